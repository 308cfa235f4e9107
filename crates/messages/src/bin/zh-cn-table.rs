//! Prints the Chinese message table as JSON (`zh-CN.json`); `scripts/build-app.mjs` runs it.

fn main() {
    println!("{}", csp_messages::chinese_table_json());
}
