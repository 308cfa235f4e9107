//! Reusable pieces of the interface. They only present what they are given: no API calls.

pub mod copy_button;
pub mod data_table;
pub mod dialog;
pub mod field;
pub mod file_picker;
pub mod focus;
pub mod gear_menu;
pub mod invoice_view;
pub mod keyset_list;
pub mod language_switch;
pub mod loaded;
pub mod page_header;
pub mod pager;
pub mod search_box;
pub mod shell;
pub mod states;
pub mod stepper;
pub mod table_region;
pub mod tabs;
