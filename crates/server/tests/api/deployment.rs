//! The files in `deploy/`, run as README → Deploying says: nginx with `deploy/nginx.conf`
//! (TLS with a certificate of a test authority) in front of two replicas on one PostgreSQL
//! database, and the systemd unit checked by `systemd-analyze`. `scripts/setup-proxy.sh`
//! (run by `make test`) installs nginx and systemd-analyze.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::*;

const HOST: &str = "csp.example.com";

fn deploy_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy")
        .join(name)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn run(program: &str, args: &[&str], dir: &Path) -> std::process::Output {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program} ({e}): run scripts/setup-proxy.sh (make test does)")
        });
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A test certificate authority and, signed by it, the certificate of `HOST` nginx serves.
/// Returns the authority's certificate (PEM) for the client to trust.
fn certificates(dir: &Path) -> Vec<u8> {
    let days = ["-days", "2"];
    run(
        "openssl",
        &[
            &[
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            ],
            &["-out", "ca.pem", "-subj", "/CN=CSP test authority"][..],
            &days[..],
        ]
        .concat(),
        dir,
    );
    run(
        "openssl",
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "site.key",
            "-out",
            "site.csr",
            "-subj",
            "/CN=csp.example.com",
        ],
        dir,
    );
    std::fs::write(
        dir.join("site.ext"),
        "subjectAltName=DNS:csp.example.com\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    run(
        "openssl",
        &[
            &[
                "x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            ],
            &[
                "-CAcreateserial",
                "-out",
                "site.pem",
                "-extfile",
                "site.ext",
            ][..],
            &days[..],
        ]
        .concat(),
        dir,
    );
    std::fs::read(dir.join("ca.pem")).unwrap()
}

/// `deploy/nginx.conf` with only what differs on this machine changed: the replicas'
/// addresses, the ports, the certificate and the log's folder. Each of them must still be in
/// the file, so a change to it cannot go untested.
fn site_config(dir: &Path, replicas: [&str; 2], http: u16, https: u16) -> String {
    let mut site = std::fs::read_to_string(deploy_file("nginx.conf")).unwrap();
    let cert = dir.join("site.pem").display().to_string();
    let key = dir.join("site.key").display().to_string();
    let logs = format!("{}/", dir.display());
    for (from, to) in [
        ("server 127.0.0.1:8081 ", format!("server {} ", replicas[0])),
        ("server 127.0.0.1:8082 ", format!("server {} ", replicas[1])),
        ("listen 80;", format!("listen 127.0.0.1:{http};")),
        ("listen [::]:80;", String::new()),
        (
            "listen 443 ssl http2;",
            format!("listen 127.0.0.1:{https} ssl http2;"),
        ),
        ("listen [::]:443 ssl http2;", String::new()),
        ("/etc/letsencrypt/live/csp.example.com/fullchain.pem", cert),
        ("/etc/letsencrypt/live/csp.example.com/privkey.pem", key),
        ("/var/log/nginx/", logs),
    ] {
        assert!(
            site.contains(from),
            "deploy/nginx.conf no longer has `{from}`: update this test with it"
        );
        site = site.replace(from, &to);
    }
    site
}

struct Nginx(Child);

/// Stops nginx as its service would: SIGTERM to the master, which stops its workers (a
/// SIGKILL would leave them running); SIGKILL only if it is still there after 5 s.
impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// nginx in the foreground with the site in an `http` block of its own, as Debian's
/// `/etc/nginx/nginx.conf` includes `sites-enabled/`.
fn start_nginx(dir: &Path, site: &str, https: u16) -> Nginx {
    std::fs::write(dir.join("site.conf"), site).unwrap();
    let main = format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
         include {d}/site.conf;\n}}\n",
        d = dir.display()
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    // nginx's workers run as `nobody` when started by root: they must reach the folder.
    let _ = Command::new("chmod").arg("755").arg(dir).status();
    let nginx = if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    };
    let conf = dir.join("nginx.conf").display().to_string();
    let prefix = dir.display().to_string();
    run(nginx, &["-t", "-p", &prefix, "-c", &conf], dir);
    let child = Command::new(nginx)
        .args(["-p", &prefix, "-c", &conf])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start nginx");
    let nginx = Nginx(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", https)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not listen on {https}");
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

fn sigterm(replica: &mut Replica) {
    assert!(Command::new("kill")
        .args(["-TERM", &replica.child.id().to_string()])
        .status()
        .unwrap()
        .success());
    replica
        .child
        .wait()
        .expect("the replica exits after SIGTERM");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_with_the_shipped_configuration_serves_two_replicas_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let dist = app_shell(dir.path());
    let url = fresh_database(Backend::Postgres, dir.path()).await;
    let (http, https) = (free_port(), free_port());
    let public_url = format!("https://{HOST}:{https}");
    let env = [("TRUST_PROXY", "1"), ("PUBLIC_URL", public_url.as_str())];
    let (mut a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| Replica::start(&url, &dist, &env));
        let b = s.spawn(|| Replica::start(&url, &dist, &env));
        (a.join().unwrap(), b.join().unwrap())
    });
    let addresses = [
        a.base.trim_start_matches("http://").to_string(),
        b.base.trim_start_matches("http://").to_string(),
    ];

    let ca = certificates(dir.path());
    let site = site_config(
        dir.path(),
        [addresses[0].as_str(), addresses[1].as_str()],
        http,
        https,
    );
    let _nginx = start_nginx(dir.path(), &site, https);
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap())
        .resolve(HOST, ([127, 0, 0, 1], https).into())
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let at = |path: &str| format!("{public_url}{path}");

    // Plain HTTP sends people to HTTPS.
    let plain = reqwest::Client::builder()
        .resolve(HOST, ([127, 0, 0, 1], http).into())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = plain
        .get(format!("http://{HOST}:{http}/customers?q=contoso"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 308);
    assert_eq!(
        res.headers()["location"],
        format!("https://{HOST}/customers?q=contoso").as_str()
    );

    // A failed sign-in from a client that claims another address counts against the address
    // nginx saw (the last X-Forwarded-For entry), not the claimed one.
    let res = client
        .post(at("/api/v1/sessions"))
        .header("x-forwarded-for", "203.0.113.9")
        .json(&json!({"email": GLOBAL_ADMIN, "password": "not the password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // Signing in over TLS: a Secure __Host- cookie and HSTS, and nginx's request id.
    let res = client
        .post(at("/api/v1/sessions"))
        .json(&json!({"email": GLOBAL_ADMIN, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("__Host-") && cookie.contains("Secure"),
        "{cookie}"
    );
    assert!(res.headers().contains_key("strict-transport-security"));
    let sign_in_id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(
        sign_in_id.len() == 32 && sign_in_id.bytes().all(|b| b.is_ascii_hexdigit()),
        "nginx's $request_id is kept: {sign_in_id}"
    );

    // The session works whichever replica answers; nginx sends requests to both.
    for _ in 0..12 {
        let res = client.get(at("/api/v1/session")).send().await.unwrap();
        assert_eq!(res.status(), 200);
    }

    // The audit trail names the address nginx saw and the request id nginx made.
    let (status, trail) = json_of(
        client
            .get(at("/api/v1/audit-log?page_size=50"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{trail}");
    let items = trail["items"].as_array().unwrap();
    let entry = |action: &str| -> &Value {
        items
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in {trail}"))
    };
    assert_eq!(entry("sign_in_failed")["client_ip"], "127.0.0.1");
    assert_eq!(entry("signed_in")["request_id"], sign_in_id.as_str());

    // A 9 MB file goes through (nginx's own limit would be 1 MB), streamed to a replica.
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(9 * 1024 * 1024, b'x');
    let form = reqwest::multipart::Form::new()
        .text("problem_type", "billing")
        .text("impact", "low")
        .text("title", "Invoice copy for the auditors")
        .text("contact_name", "Gale Global")
        .text("contact_email", "gale@northwind.example")
        .text("contact_phone", "+1 425 555 0100")
        .part(
            "files",
            reqwest::multipart::Part::bytes(pdf).file_name("invoice.pdf"),
        );
    let (status, filed) = json_of(
        client
            .post(at("/api/v1/support-requests"))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{filed}");

    // Metrics are not public.
    let res = client.get(at("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 404);

    // nginx's log names the same request id and both replicas.
    let log = std::fs::read_to_string(dir.path().join("csp-software-center.access.log")).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("POST /api/v1/sessions") && l.contains(&sign_in_id)),
        "{log}"
    );
    for address in &addresses {
        assert!(
            log.contains(&format!("upstream={address}")),
            "{address} answered nothing: {log}"
        );
    }

    // One replica stops (an upgrade, a crash): every request, a sign-in too, is answered by
    // the other one, and the session stays valid.
    sigterm(&mut a);
    for _ in 0..6 {
        let res = client.get(at("/api/v1/session")).send().await.unwrap();
        assert_eq!(res.status(), 200);
    }
    let res = client
        .post(at("/api/v1/sessions"))
        .json(&json!({"email": ADMIN_AGENT, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    drop(b);
}

/// The unit as shipped, with the binary and the settings file of this machine.
#[test]
fn the_systemd_unit_passes_systemd_analyze() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("env");
    std::fs::copy(deploy_file("env.example"), &env_file).unwrap();
    let mut unit = std::fs::read_to_string(deploy_file("csp-server@.service")).unwrap();
    for (from, to) in [
        (
            "ExecStart=/opt/csp-software-center/csp-server",
            format!("ExecStart={SERVER}"),
        ),
        (
            "EnvironmentFile=/etc/csp-software-center/env",
            format!("EnvironmentFile={}", env_file.display()),
        ),
    ] {
        assert!(unit.contains(from), "the unit no longer has `{from}`");
        unit = unit.replace(from, &to);
    }
    std::fs::write(dir.path().join("csp-server@8081.service"), unit).unwrap();
    let output = Command::new("systemd-analyze")
        .args(["verify", "./csp-server@8081.service"])
        .current_dir(dir.path())
        .output()
        .expect("systemd-analyze: run scripts/setup-proxy.sh (make test does)");
    let complaints = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && complaints.trim().is_empty(),
        "{complaints}"
    );
}
