//! Driving a form in headless Chromium over the DevTools protocol (`headless_chrome`).
//!
//! Each protocol call costs about 100 ms with this crate (its reader thread polls), so the
//! helpers do one thing per call: a click is one script call to find the point and two
//! real mouse events; typing is one `Input.insertText`; questions are read in one script.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use headless_chrome::protocol::cdp::{Emulation, Input, Page};
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;
use tempfile::TempDir;

pub const DESKTOP: (u32, u32) = (1280, 900);
pub const PHONE: (u32, u32) = (390, 844);

/// A browser with a fresh profile.
pub struct Chromium {
    browser: Browser,
    _profile: TempDir,
}

/// Starts Chromium, or says why not and gives `None`; under CI a missing browser fails.
pub fn chromium() -> Option<Chromium> {
    let path = match headless_chrome::browser::default_executable() {
        Ok(path) => path,
        Err(why) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but Chromium is missing ({why}); .ci/run installs the `chromium` package"
            );
            eprintln!(
                "skipping the browser test: no Chromium found ({why}); install the `chromium` package or set CHROME"
            );
            return None;
        }
    };
    let profile = tempfile::tempdir().unwrap();
    // The network is closed: nothing may try to reach it.
    let args: Vec<&OsStr> = [
        "--disable-quic",
        "--disable-component-update",
        "--disable-background-networking",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions {
        headless: true,
        sandbox: false,
        enable_gpu: false,
        path: Some(path),
        user_data_dir: Some(profile.path().to_path_buf()),
        window_size: Some(DESKTOP),
        idle_browser_timeout: Duration::from_secs(300),
        args,
        ..LaunchOptions::default()
    };
    let browser = Browser::new(options).expect("Chromium starts");
    Some(Chromium {
        browser,
        _profile: profile,
    })
}

/// JSON text of a string, to put it into a script.
pub fn json(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// One tab showing a form file.
pub struct FormPage {
    pub tab: Arc<Tab>,
    url: String,
}

impl FormPage {
    pub fn open(chromium: &Chromium, file: &Path) -> FormPage {
        let page = FormPage {
            tab: chromium.browser.new_tab().unwrap(),
            url: format!("file://{}", file.display()),
        };
        page.emulate(DESKTOP, false);
        page.reload();
        page
    }

    /// A tab for a page with no script of its own (the report), not loaded yet, so that
    /// event listeners can be added before [`FormPage::load`]. (For
    /// tests/browser_report.rs; each test file is its own crate, hence the `allow`s.)
    #[allow(dead_code)]
    pub fn unloaded(chromium: &Chromium, file: &Path) -> FormPage {
        let page = FormPage {
            tab: chromium.browser.new_tab().unwrap(),
            url: format!("file://{}", file.display()),
        };
        page.emulate(DESKTOP, false);
        page
    }

    /// Loads the page and waits for it to be navigated (nothing waits for a script).
    #[allow(dead_code)]
    pub fn load(&self) {
        self.tab.navigate_to(&self.url).unwrap();
        self.tab.wait_until_navigated().unwrap();
    }

    #[allow(dead_code)]
    #[allow(dead_code)]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens a form with JavaScript switched off, as some respondents' browsers are.
    pub fn open_without_script(chromium: &Chromium, file: &Path) -> FormPage {
        let page = FormPage {
            tab: chromium.browser.new_tab().unwrap(),
            url: format!("file://{}", file.display()),
        };
        page.tab
            .call_method(Emulation::SetScriptExecutionDisabled { value: true })
            .unwrap();
        page.emulate(DESKTOP, false);
        page.tab.navigate_to(&page.url).unwrap();
        page.tab.wait_until_navigated().unwrap();
        page
    }

    /// Loads the form afresh and waits for its script to have run.
    pub fn reload(&self) {
        self.tab.navigate_to(&self.url).unwrap();
        self.tab.wait_until_navigated().unwrap();
        self.tab.wait_for_element("html.js").unwrap();
    }

    /// The value of a script expression, carried back as JSON; a script error fails.
    pub fn js(&self, expression: &str) -> Value {
        let wrapped = format!(
            "(() => {{ try {{ return JSON.stringify({{ ok: ({expression}) }}); }} \
             catch (e) {{ return JSON.stringify({{ error: String(e) }}); }} }})()"
        );
        let result = self.tab.evaluate(&wrapped, false).unwrap();
        let text = result.value.and_then(|v| v.as_str().map(str::to_string));
        let value: Value = serde_json::from_str(&text.expect("a JSON string")).unwrap();
        if let Some(error) = value.get("error") {
            panic!("script error in `{expression}`: {error}");
        }
        value.get("ok").cloned().unwrap_or(Value::Null)
    }

    fn mouse(&self, kind: Input::DispatchMouseEventTypeOption, x: f64, y: f64) {
        self.tab
            .call_method(Input::DispatchMouseEvent {
                Type: kind,
                x,
                y,
                modifiers: None,
                timestamp: None,
                button: Some(Input::MouseButton::Left),
                buttons: None,
                click_count: Some(1),
                force: None,
                tangential_pressure: None,
                tilt_x: None,
                tilt_y: None,
                twist: None,
                delta_x: None,
                delta_y: None,
                pointer_Type: None,
            })
            .unwrap();
    }

    /// A real mouse click in the middle of an element (by id), scrolled to mid-screen. The
    /// browser decides what is under the pointer, so a covered control would not get it.
    pub fn click(&self, id: &str) {
        let point = self.js(&format!(
            "(() => {{ const el = document.getElementById({}); el.scrollIntoView({{ block: 'center' }}); \
             const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            json(id)
        ));
        let (x, y) = (point[0].as_f64().unwrap(), point[1].as_f64().unwrap());
        self.mouse(Input::DispatchMouseEventTypeOption::MousePressed, x, y);
        self.mouse(Input::DispatchMouseEventTypeOption::MouseReleased, x, y);
    }

    /// Replaces a text field's content as typing would (the browser's own text input).
    pub fn type_text(&self, id: &str, text: &str) {
        self.js(&format!(
            "(() => {{ const el = document.getElementById({}); el.focus(); el.select(); return true; }})()",
            json(id)
        ));
        self.tab
            .call_method(Input::InsertText {
                text: text.to_string(),
            })
            .unwrap();
    }

    /// Sets a field's value from script, with the events a person causes (for selects,
    /// and texts too long to type).
    pub fn set_value(&self, id: &str, value: &str) {
        self.js(&format!(
            "(() => {{ const el = document.getElementById({}); el.value = {}; \
             el.dispatchEvent(new Event('input', {{ bubbles: true }})); \
             el.dispatchEvent(new Event('change', {{ bubbles: true }})); return true; }})()",
            json(id),
            json(value)
        ));
    }

    pub fn press(&self, key: &str) {
        self.tab.press_key(key).unwrap();
    }

    pub fn checked(&self, id: &str) -> bool {
        self.js(&format!("document.getElementById({}).checked", json(id)))
            .as_bool()
            .unwrap()
    }

    pub fn focused(&self) -> String {
        self.js("document.activeElement.id")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The ids of the questions on screen (not hidden, and laid out), in page order.
    pub fn shown(&self) -> Vec<String> {
        serde_json::from_value(self.js(
            "[...document.querySelectorAll('[data-question]')] \
             .filter(el => !el.hidden && el.getClientRects().length > 0).map(el => el.dataset.question)",
        ))
        .unwrap()
    }

    pub fn is_shown(&self, question: &str) -> bool {
        self.shown().iter().any(|q| q == question)
    }

    /// Presses the submit button with the mouse.
    pub fn submit(&self) {
        self.click("make-file");
    }

    /// The error message each question shows on screen, in page order.
    pub fn errors(&self) -> Vec<(String, String)> {
        serde_json::from_value(self.js(
            "[...document.querySelectorAll('[data-question]')].filter(el => { \
               const box = el.querySelector('.error-message'); \
               return !box.hidden && box.getClientRects().length > 0; }) \
             .map(el => [el.dataset.question, el.querySelector('.error-message').textContent])",
        ))
        .unwrap()
    }

    pub fn error_of(&self, question: &str) -> Option<String> {
        self.errors()
            .into_iter()
            .find(|(q, _)| q == question)
            .map(|(_, m)| m)
    }

    /// The CSV text the form made (empty while it has made none).
    pub fn csv(&self) -> String {
        self.js("document.getElementById('csv').value")
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The viewport size (phone widths as a mobile device) and colour scheme.
    pub fn emulate(&self, size: (u32, u32), dark: bool) {
        self.emulate_media(size, dark, None);
    }

    /// As [`FormPage::emulate`], for the print style sheet (A4 width at 96 dpi).
    pub fn emulate_print(&self) {
        self.emulate_media((794, 1123), false, Some("print"));
    }

    fn emulate_media(&self, (width, height): (u32, u32), dark: bool, media: Option<&str>) {
        self.tab
            .call_method(Emulation::SetDeviceMetricsOverride {
                width,
                height,
                device_scale_factor: 1.0,
                mobile: width < 600,
                scale: None,
                screen_width: None,
                screen_height: None,
                position_x: None,
                position_y: None,
                dont_set_visible_size: None,
                screen_orientation: None,
                viewport: None,
                display_feature: None,
                device_posture: None,
            })
            .unwrap();
        self.tab
            .call_method(Emulation::SetEmulatedMedia {
                media: media.map(str::to_string),
                features: Some(vec![Emulation::MediaFeature {
                    name: "prefers-color-scheme".into(),
                    value: if dark { "dark" } else { "light" }.into(),
                }]),
            })
            .unwrap();
    }

    /// Saves `target/browser-screenshots/NAME.png`: the viewport as it is scrolled, or the
    /// whole page. The page is left at desktop size in the light scheme.
    pub fn screenshot(&self, name: &str, size: (u32, u32), dark: bool, whole_page: bool) {
        self.emulate(size, dark);
        self.capture(name, size.0, whole_page);
        self.emulate(DESKTOP, false);
    }

    /// Saves the whole page as the print style sheet lays it out (one long strip, not
    /// paged), as `target/browser-screenshots/NAME.png`.
    pub fn screenshot_print(&self, name: &str) {
        self.emulate_print();
        self.capture(name, 794, true);
        self.emulate(DESKTOP, false);
    }

    fn capture(&self, name: &str, width: u32, whole_page: bool) {
        if whole_page {
            // From the top, so that sticky column headings sit where they belong.
            self.js("window.scrollTo(0, 0)");
        }
        let clip = whole_page.then(|| Page::Viewport {
            x: 0.0,
            y: 0.0,
            width: f64::from(width),
            height: self
                .js("document.documentElement.scrollHeight")
                .as_f64()
                .unwrap(),
            scale: 1.0,
        });
        let png = self
            .tab
            .call_method(Page::CaptureScreenshot {
                format: Some(Page::CaptureScreenshotFormatOption::Png),
                quality: None,
                clip,
                from_surface: Some(true),
                capture_beyond_viewport: Some(whole_page),
                optimize_for_speed: None,
            })
            .unwrap()
            .data;
        let dir = screenshot_dir();
        fs::create_dir_all(&dir).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png)
            .unwrap();
        fs::write(dir.join(format!("{name}.png")), bytes).unwrap();
    }
}

/// `target/browser-screenshots`, beside the tests' own temporary folder.
fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("browser-screenshots")
}
