//! Criterion benchmarks of the markdown renderer's worst cases beside ordinary posts (issue 20):
//! what a body the budget refuses costs to refuse, what text stored before the budget costs to
//! render flattened, and the most a body within the budget can cost. Every input is at most a
//! post's 32,000 characters; compare each line with "the longest ordinary post".

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use agora_core::content::markdown;

/// An ordinary paragraph of about 70 words, repeated to `chars` characters.
fn prose(chars: usize) -> String {
    let p = "Winter range dropped from **80 km** to about 55 km on my Trail T5. Keeping the \
             battery indoors overnight helped; see [the care guide](https://example.com/care).\n\n";
    p.repeat(chars / p.len() + 1)[..chars].to_owned()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("markdown worst cases (32,000 characters each)");
    group.sample_size(20);
    let cases: [(&str, String); 6] = [
        ("the longest ordinary post", prose(32_000)),
        (
            "a quote nested 31,990 deep (the attack)",
            format!("{}a", ">".repeat(31_990)),
        ),
        (
            "quotes nested 36 deep (within the budget), then prose",
            format!("{}{}", "> ".repeat(36), prose(31_928)),
        ),
        (
            "emphasis nested 5,000 deep",
            format!("{}x{}", "*a ".repeat(5_000), " b*".repeat(5_000)),
        ),
        (
            "a table padded to 1,000 columns (the attack)",
            format!(
                "{}\n{}\n{}",
                "|a".repeat(1_000),
                "|-".repeat(1_000),
                "|x\n".repeat(9_300)
            ),
        ),
        (
            "a table of 4,976 cells, then prose (within the budget)",
            format!(
                "{}\n{}\n{}\n{}",
                "|a".repeat(8),
                "|-".repeat(8),
                "|x|y|z|w|v|u|t|s\n".repeat(620),
                prose(21_400)
            ),
        ),
    ];
    for (name, input) in &cases {
        group.bench_function(format!("render_checked: {name}"), |b| {
            b.iter(|| markdown::render_checked(black_box(input)).is_ok());
        });
        group.bench_function(format!("render (stored, flattened): {name}"), |b| {
            b.iter(|| markdown::render(black_box(input)).html.len());
        });
    }
    group.finish();

    // The same attacks through comrak and ammonia as the renderer called them before the
    // budget: what one request cost then.
    let mut before = c.benchmark_group("markdown before the budget (comrak and ammonia alone)");
    before.sample_size(10);
    before.measurement_time(std::time::Duration::from_secs(20));
    for (name, input) in cases.iter().filter(|(name, _)| name.contains("attack")) {
        before.bench_function(*name, |b| b.iter(|| unbounded(black_box(input))));
    }
    before.finish();
}

/// Markdown to clean HTML as `content::markdown` did before it measured a body first.
fn unbounded(markdown: &str) -> usize {
    let mut options = comrak::Options::default();
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.render.escape = true;
    let html = comrak::markdown_to_html(markdown, &options);
    ammonia::clean(&html).len()
}

criterion_group!(benches, bench);
criterion_main!(benches);
