//! The answers `thidua init` cannot do without (the ward's name, its province), asked on the
//! terminal when the command line does not give them. Never asked when the input is not a
//! terminal: a script gets the missing flag named, not a command waiting for a line.

use std::io::{BufRead, IsTerminal, Write};

use super::InitArgs;

/// `args` with the missing required answers asked for, when someone is there to answer.
pub(super) fn missing(mut args: InitArgs) -> std::io::Result<InitArgs> {
    if !std::io::stdin().is_terminal() {
        return Ok(args);
    }
    let ask = |question: &str| -> std::io::Result<Option<String>> {
        let mut err = std::io::stderr().lock();
        write!(err, "{question}: ")?;
        err.flush()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(Some(line.trim().to_string()).filter(|l| !l.is_empty()))
    };
    if args.ward_name.is_none() {
        args.ward_name = ask("Tên phường, xã như văn bản ghi (ví dụ Phường Hồng Hà)")?;
    }
    if args.province.is_none() {
        args.province = ask("Tỉnh, thành phố (ví dụ Tỉnh Quảng Ninh)")?;
    }
    Ok(args)
}
