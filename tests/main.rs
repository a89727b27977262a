//! The one integration-test binary: scenarios as modules, a small project builder in
//! `common`, fixtures under `tests/fixtures/<scenario>/`.

mod awards;
mod bad_input;
mod cli;
mod common;
mod config_files;
mod crash;
mod daemon;
mod delivery;
mod delivery_faults;
mod documents;
mod files;
mod http_pull;
mod httpd;
mod index_methods;
mod init;
mod inspect;
mod losses;
mod malformed;
mod merger;
mod monthly_fixture;
mod monthly_sample;
mod national;
mod plain_words;
mod properties;
mod report_charts;
mod secrets;
mod smtp;
mod store_hive;
mod workbook_print;
mod years;
