//! A secret named by the configuration (an SMTP password, an API token), never written in
//! it: the environment variable or file it is read from when it is needed. Delivery and
//! pull both read secrets, and the configuration names them, so the type sits at the bottom.

use std::path::{Path, PathBuf};

/// Where the password comes from; the password itself is read only when sending.
#[derive(Debug, Clone)]
pub enum Secret {
    Env(String),
    File(PathBuf),
}

impl Secret {
    /// Reads the secret now (never logged; errors name only where it should have been).
    pub fn read(&self) -> anyhow::Result<String> {
        use anyhow::Context as _;
        match self {
            Secret::Env(var) => std::env::var(var).with_context(|| format!("biến môi trường {var} chưa được đặt")),
            Secret::File(path) => std::fs::read_to_string(path)
                .map(|s| s.trim_end_matches(['\r', '\n']).to_string())
                .with_context(|| format!("không đọc được tệp bí mật {}", path.display())),
        }
    }

    /// A warning when the secret is a file that the owner's group or others may read
    /// (mode & 0o077 != 0), naming the file (as `shown`) and its mode.
    pub fn exposure(&self, root: &Path) -> Option<String> {
        let Secret::File(path) = self else { return None };
        let shown = path.strip_prefix(root).unwrap_or(path).display();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
            (mode & 0o077 != 0).then(|| {
                format!(
                    "{shown}: cảnh báo: tệp bí mật có quyền {mode:o}, nhóm hoặc người dùng khác đọc được; \
                     chỉ chủ sở hữu nên đọc được (chmod 600 {shown})"
                )
            })
        }
        #[cfg(not(unix))]
        {
            let _ = shown;
            None
        }
    }

    /// Where the secret lives, to name in an error.
    pub fn place(&self) -> String {
        match self {
            Secret::Env(var) => format!("biến môi trường {var}"),
            Secret::File(path) => format!("tệp {}", path.display()),
        }
    }
}
