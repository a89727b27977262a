use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = thidua::cli::Cli::parse();
    match thidua::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("thidua: {}", thidua::outcome::user_message(&err));
            thidua::outcome::exit_code(&err)
        }
    }
}
