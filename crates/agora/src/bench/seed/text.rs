//! The names and words of the generated community: members' and groups' names, and posts'
//! sentences, bodies and titles drawn from the vocabulary.

use super::random::{Rng, Zipf};
use crate::bench::words::Vocabulary;

pub(super) const FIRST: [&str; 24] = [
    "anna", "ben", "clara", "david", "elif", "farid", "greta", "hugo", "ines", "jonas", "kofi",
    "lena", "mateo", "nora", "oskar", "priya", "quinn", "rosa", "sami", "tara", "ugo", "vera",
    "wen", "yusuf",
];
pub(super) const LAST: [&str; 12] = [
    "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jansen", "Kowalski",
    "Larsen", "Moreau",
];
pub(super) const SUBJECTS: [&str; 16] = [
    "Commuters",
    "Trail Riders",
    "Cargo Bikes",
    "Battery Care",
    "Repairs",
    "Touring",
    "Families",
    "Dealers",
    "City Riders",
    "Mountain",
    "Winter Riding",
    "Firmware",
    "Accessories",
    "Racing",
    "Beginners",
    "Product Ideas",
];

pub(super) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn sentence(rng: &mut Rng, vocab: &Vocabulary, words: usize) -> String {
    let mut out: Vec<String> = Vec::with_capacity(words);
    for i in 0..words {
        let w = vocab.draw(rng.unit());
        if i > 0 && rng.below(40) == 0 {
            out.push(format!("**{w}**"));
        } else {
            out.push(w.to_owned());
        }
    }
    let mut s = capitalised(&out.join(" "));
    s.push(if rng.below(5) == 0 { '?' } else { '.' });
    s
}

pub(super) fn body(rng: &mut Rng, vocab: &Vocabulary) -> String {
    let paragraphs = rng.between(1, 3);
    (0..paragraphs)
        .map(|_| {
            (0..rng.between(1, 4))
                .map(|_| {
                    let n = rng.between(6, 16);
                    sentence(rng, vocab, n)
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub(super) fn title(rng: &mut Rng, vocab: &Vocabulary) -> String {
    let n = rng.between(4, 9);
    let start = Vocabulary::first_content_rank();
    let mut words: Vec<String> = (0..n).map(|_| vocab.draw(rng.unit()).to_owned()).collect();
    // Titles name a subject: one content word at least.
    let content = vocab.word(start + Zipf::new(300, 1.0).draw(rng));
    words[0] = content.to_owned();
    let mut t = capitalised(&words.join(" "));
    if rng.below(2) == 0 {
        t.push('?');
    }
    t
}
