//! Fuzzes the markdown renderer's budget (issue 20): that rendering stays linear in its input
//! whatever the input nests or pads. The input is a repeat count (its first two bytes, big
//! endian), a prefix written once, a `0x01` byte, and a unit repeated after it up to a post's
//! 32,000 characters (no `0x01`: all of it is the unit). So short inputs reach whole posts made
//! of one construct repeated, the shape of every known blow-up: a quote nested 31,990 deep
//! (no prefix, unit `>`), a table padded to 1,000 columns on each of 9,000 lines (prefix: the
//! header and delimiter rows, unit `|x\n`).
//!
//! For each input, checked with the body a new post would be (`render_checked`) and text stored
//! before the budget (`render`):
//!
//! - **bounded output**: the HTML is at most 24 bytes per input byte, plus 4 KiB;
//! - **bounded nesting**: no element of the HTML nests deeper than the budget's `MAX_DEPTH`
//!   (plus the few levels a list item's paragraph adds);
//! - **linear time**, in the thread's CPU time (so a busy machine does not count): rendering the
//!   whole input costs at most 8 times what a quarter of it costs, plus 30 ms (linear work is 4
//!   times, quadratic 16), and at most 20 ms plus 40 µs per input byte (1.3 s for a whole post,
//!   a thousand times what one takes in a release build);
//! - refusing is never slower than rendering: `render_checked` refuses before writing HTML.

#![no_main]

use std::time::Duration;

use agora_core::content::markdown::{budget, render, render_checked};
use agora_fuzz::html;
use libfuzzer_sys::fuzz_target;

/// A post's length, the most any input is repeated to.
const MAX_CHARS: usize = 32_000;

fuzz_target!(|data: &[u8]| {
    let Some((&[high, low], rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let (prefix, unit) = match rest.iter().position(|b| *b == 1) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (&rest[..0], rest),
    };
    let (prefix, unit) = (
        String::from_utf8_lossy(prefix),
        String::from_utf8_lossy(unit),
    );
    let times = (usize::from(high) << 8 | usize::from(low)).max(1);
    let markdown = build(&prefix, &unit, times);
    let quarter = build(&prefix, &unit, times / 4);

    let (checked, took) = cpu(|| render_checked(&markdown));
    let (_, took_quarter) = cpu(|| render_checked(&quarter));
    check_time(took, took_quarter, &markdown, "render_checked");
    if let Ok(r) = &checked {
        check_html(&r.html, &markdown);
    }
    let (stored, took) = cpu(|| render(&markdown));
    let (_, took_quarter) = cpu(|| render(&quarter));
    check_time(took, took_quarter, &markdown, "render");
    check_html(&stored.html, &markdown);
});

/// The prefix, then the unit `times` times, cut at a post's length.
fn build(prefix: &str, unit: &str, times: usize) -> String {
    let mut markdown = prefix.to_owned();
    if !unit.is_empty() {
        markdown.push_str(&unit.repeat(times.min(MAX_CHARS / unit.len() + 1)));
    }
    let cut = markdown
        .char_indices()
        .nth(MAX_CHARS)
        .map_or(markdown.len(), |(i, _)| i);
    markdown.truncate(cut);
    markdown
}

/// What `work` returns and the CPU time this thread spent on it.
fn cpu<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let start = thread_cpu_time();
    let out = work();
    (out, thread_cpu_time().saturating_sub(start))
}

fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the valid one it is given.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn check_time(took: Duration, took_quarter: Duration, markdown: &str, what: &str) {
    let linear = took_quarter * 8 + Duration::from_millis(30);
    let allowed = Duration::from_millis(20) + Duration::from_micros(40) * markdown.len() as u32;
    assert!(
        took <= linear && took <= allowed,
        "{what} took {took:?} of CPU for {} bytes, {took_quarter:?} for a quarter of them \
         (allowed {linear:?} and {allowed:?}): {:?}",
        markdown.len(),
        markdown.chars().take(120).collect::<String>()
    );
}

fn check_html(out: &str, markdown: &str) {
    assert!(
        out.len() <= 24 * markdown.len() + 4_096,
        "{} bytes of HTML from {} bytes: {:?}",
        out.len(),
        markdown.len(),
        markdown.chars().take(120).collect::<String>()
    );
    let tags = html::tags(out).unwrap_or_else(|e| panic!("malformed output ({e})"));
    let (mut depth, mut deepest) = (0usize, 0usize);
    for tag in &tags {
        if html::VOID.contains(&tag.name.as_str()) {
            continue;
        }
        if tag.closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    assert!(
        deepest <= budget::MAX_DEPTH + 2,
        "elements nest {deepest} deep: {:?}",
        markdown.chars().take(120).collect::<String>()
    );
}
