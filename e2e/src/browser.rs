//! A real browser for the explorer's pages: headless Chromium (Debian's `chromium`, which
//! `scripts/chromium.sh` installs; `MOS_TEST_CHROMIUM` names another), run once per page to print
//! the DOM it built or to save a screenshot. It runs as a user would open the page: the HTML
//! parsed, the script run, the layout done.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

/// A headless Chromium.
#[derive(Debug, Clone)]
pub struct Browser {
    program: PathBuf,
}

/// How long a page may take before the browser takes what it has.
const PAGE_BUDGET: Duration = Duration::from_secs(20);

impl Browser {
    /// The browser `MOS_TEST_CHROMIUM` names, else `chromium` on the PATH, checked by starting it.
    ///
    /// # Errors
    /// Why no browser can run: none found (with how to get one), or it does not start.
    pub fn find() -> Result<Self, String> {
        let program = std::env::var_os("MOS_TEST_CHROMIUM").map_or_else(|| PathBuf::from("chromium"), PathBuf::from);
        let browser = Self { program };
        let version = browser.command().arg("--version").output().map_err(|error| {
            format!("{}: {error}: run scripts/chromium.sh (make test does)", browser.program.display())
        })?;
        if !version.status.success() {
            return Err(format!(
                "{} --version: {}",
                browser.program.display(),
                String::from_utf8_lossy(&version.stderr)
            ));
        }
        Ok(browser)
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        // --no-sandbox: the tests may run as root, where Chromium's sandbox cannot start.
        command.args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]);
        command.arg(format!("--timeout={}", PAGE_BUDGET.as_millis()));
        command
    }

    /// The DOM Chromium built of `url`, serialised.
    ///
    /// # Errors
    /// The browser did not run or printed nothing.
    pub fn dom(&self, url: &str) -> Result<String, String> {
        let output = self.command().args(["--dump-dom", url]).output().map_err(|error| format!("chromium: {error}"))?;
        let dom = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() || dom.trim().is_empty() {
            return Err(format!("chromium --dump-dom {url}: {}", String::from_utf8_lossy(&output.stderr)));
        }
        Ok(dom)
    }

    /// Saves a PNG of `url` in a `width`×`height` window at `path`.
    ///
    /// # Errors
    /// The browser did not run or wrote no image.
    pub fn screenshot(&self, url: &str, path: &Path, (width, height): (u32, u32)) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
        }
        let _ = std::fs::remove_file(path);
        let output = self
            .command()
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--screenshot={}", path.display()))
            .arg(url)
            .output()
            .map_err(|error| format!("chromium: {error}"))?;
        let written = std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0);
        if !output.status.success() || written == 0 {
            return Err(format!("chromium --screenshot {url}: {}", String::from_utf8_lossy(&output.stderr)));
        }
        Ok(())
    }
}

/// The outer HTML of the first element of `dom` that carries `attribute` (for example
/// `id="reason"` or `data-order="0x…"`), up to its closing tag; nested elements of the same tag
/// are counted.
pub fn element<'a>(dom: &'a str, attribute: &str) -> Option<&'a str> {
    let at = dom.find(attribute)?;
    let start = dom[..at].rfind('<')?;
    let tag: String = dom[start + 1..].chars().take_while(char::is_ascii_alphanumeric).collect();
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut depth = 0usize;
    let mut cursor = start;
    loop {
        let next_open = dom[cursor + 1..].find(&open).map(|i| i + cursor + 1);
        let next_close = dom[cursor + 1..].find(&close).map(|i| i + cursor + 1)?;
        match next_open {
            Some(opening) if opening < next_close => {
                depth += 1;
                cursor = opening;
            }
            _ if depth == 0 => return Some(&dom[start..next_close + close.len()]),
            _ => {
                depth -= 1;
                cursor = next_close;
            }
        }
    }
}

/// The text of an HTML fragment: its tags dropped, its entities for `&`, `<`, `>`, `"` and `'`
/// read, its runs of white space made one space.
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for character in html.chars() {
        match character {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            other if !in_tag => out.push(other),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_element_ends_at_its_own_closing_tag() {
        let dom = "<body><div id=\"a\"><div>inner</div> &amp; <b>after</b></div><div>next</div></body>";
        assert_eq!(element(dom, "id=\"a\""), Some("<div id=\"a\"><div>inner</div> &amp; <b>after</b></div>"));
        assert_eq!(text(element(dom, "id=\"a\"").unwrap()), "inner & after");
        assert_eq!(element(dom, "id=\"missing\""), None);
    }
}
