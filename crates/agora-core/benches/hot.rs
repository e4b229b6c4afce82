//! Criterion micro-benchmarks of the core's hot pure functions: rendering a post's markdown,
//! and the visibility policy's answer for one group and for a list (see docs/performance.md).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use agora_core::MemberId;
use agora_core::content::markdown;
use agora_core::groups::GroupRole;
use agora_core::groups::Visibility;
use agora_core::groups::policy::{Need, Relation, access, scope};
use agora_core::viewer::{Actor, Restriction, SiteRole, Viewer};

const POST: &str = "Winter range dropped from **80 km** to about 55 km on my Trail T5. Keeping \
    the battery indoors overnight helped; see [the care guide](https://example.com/care) and \
    https://example.com/faq.\n\n- charge to 80%\n- store above 10 °C\n\n> Anyone tried the \
    thermal cover?\n\n`error E-42` came back twice, @mara.";

fn member() -> Viewer {
    Viewer::member(Actor {
        id: MemberId(7),
        username: "ana".into(),
        role: SiteRole::Member,
        verified: true,
        restriction: Restriction::None,
        trust: agora_core::trust::TrustLevel::Basic,
    })
}

fn bench(c: &mut Criterion) {
    c.bench_function(
        "markdown::render, a typical post (70 words, list, link, quote)",
        |b| {
            b.iter(|| markdown::render(black_box(POST)));
        },
    );
    let long = POST.repeat(20);
    c.bench_function("markdown::render, a long post (1,400 words)", |b| {
        b.iter(|| markdown::render(black_box(&long)));
    });
    let viewers = [Viewer::guest(), member()];
    let cases = [
        (Visibility::Public, Relation::Stranger),
        (Visibility::Closed, Relation::Requested),
        (Visibility::Secret, Relation::Invited),
        (Visibility::Secret, Relation::Member(GroupRole::Member)),
    ];
    c.bench_function("policy::access, 8 viewer × group cases", |b| {
        b.iter(|| {
            for v in &viewers {
                for (kind, relation) in cases {
                    black_box(access(black_box(v), kind, relation));
                }
            }
        });
    });
    c.bench_function("policy::scope, a member's readable groups", |b| {
        let v = member();
        b.iter(|| scope(black_box(&v), Need::Read));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
