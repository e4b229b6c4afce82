//! Words for the benchmark community, drawn with a Zipf distribution as natural text is:
//! English function words first, then the words of an e-bike community, then a long tail of
//! made-up words, each rarer than the one before.

/// Function words: the most frequent.
const FUNCTION: &str = "the and to a of i it is in that you for on my with this but have was be not \
    are at so if or just as can do what me they about all we one from there would when an up out \
    get like my no more some any how will by been had has them then also than very much only \
    really still after now because which their other even into over back well here your our new \
    could should did does too again same before most many never always good time day way";

/// The e-bike community's own words, in rough order of use.
const DOMAIN: &str = "battery bike ride motor range charge charger km trail tyres brakes app \
    firmware display hill commute winter rain dealer warranty gears chain frame saddle pedal \
    speed torque sensor cadence wheel spoke hub lights mudguard rack lock helmet route climb \
    descent gravel road city cargo kids trailer assist mode eco turbo boost error code update \
    reset cable connector fuse cell pack volts watts hours minutes service repair shop mechanic \
    bolt screw noise creak rattle squeal grease oil tube puncture pressure valve pump tread \
    grip handlebar stem fork shock suspension travel dropper seatpost crank bottom bracket \
    cassette derailleur shifter lever rotor pad caliper hydraulic bleed fluid thumb throttle \
    controller bluetooth phone gps map tour weekend morning evening night cold heat summer \
    temperature storage garage insurance theft tracker alarm price discount model delivery \
    order size fit test review compare recommend problem solution thanks question answer idea";

/// Syllables the made-up words of the long tail are built from.
const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mi", "ven", "tar", "sel", "dor", "pim", "qua", "ris", "tho", "bel", "gan", "zu",
    "fre", "nol", "vik", "sam", "pur", "dex", "lin", "mo", "tek", "ru",
];

/// The vocabulary, most frequent first.
pub struct Vocabulary {
    words: Vec<String>,
    /// Cumulative Zipf weights, for drawing a rank by binary search.
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// `size` words, the rank-`r` word drawn with weight `1 / r^exponent`.
    pub fn new(size: usize, exponent: f64) -> Self {
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut words: Vec<String> = FUNCTION
            .split_whitespace()
            .chain(DOMAIN.split_whitespace())
            .filter(|w| seen.insert((*w).to_owned()))
            .map(str::to_owned)
            .collect();
        // The long tail: the numbers from 24 up written in base 24, one syllable a digit.
        let mut n: usize = SYLLABLES.len();
        while words.len() < size {
            let mut w = String::new();
            let mut k = n;
            while k > 0 {
                w.insert_str(0, SYLLABLES[k % SYLLABLES.len()]);
                k /= SYLLABLES.len();
            }
            n += 1;
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        words.truncate(size);
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(exponent);
                total
            })
            .collect();
        Self { words, cumulative }
    }

    /// The word of rank `rank` (0 is the most frequent).
    pub fn word(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len() - 1)]
    }

    /// Draws a word; `u` is uniform in [0, 1).
    pub fn draw(&self, u: f64) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let target = u * total;
        let rank = self.cumulative.partition_point(|c| *c < target);
        self.word(rank)
    }

    /// The rank of the first domain word, where content words start.
    pub fn first_content_rank() -> usize {
        let unique: std::collections::HashSet<&str> = FUNCTION.split_whitespace().collect();
        unique.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_is_unique_and_draws_frequent_words_more_often() {
        let v = Vocabulary::new(5_000, 1.0);
        assert_eq!(v.words.len(), 5_000);
        let unique: std::collections::HashSet<&String> = v.words.iter().collect();
        assert_eq!(unique.len(), 5_000);
        assert_eq!(v.draw(0.0), "the");
        let mut the = 0;
        let mut tail = 0;
        for i in 0..10_000 {
            let w = v.draw(f64::from(i) / 10_000.0);
            if w == "the" {
                the += 1;
            }
            if w == v.word(4_999) {
                tail += 1;
            }
        }
        assert!(the > 500 && tail < 5, "the: {the}, tail: {tail}");
    }
}
