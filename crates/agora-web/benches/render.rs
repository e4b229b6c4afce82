//! Criterion micro-benchmark of template rendering: a guest's topic page of 20 posts (the page
//! size) without the database (see docs/performance.md).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    c.bench_function("topic page template, 20 posts", |b| {
        b.iter(|| agora_web::render_sample_topic(black_box(20)));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
