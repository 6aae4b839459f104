//! Ranked search over ESCO labels (preferred and alternative) in one language.
//!
//! Labels are normalized (lower case, runs of anything not a letter or digit become one space) and indexed by
//! word in a sorted vocabulary, so a query word finds labels with that word or a word it starts with by binary
//! search. A query word that matches nothing is read as a typo: vocabulary words with the same first letter within
//! an optimal-string-alignment distance of one (two for words of nine letters or more, none under four), measured
//! by `strsim`. Every query word must match for a label to be a hit. Hits rank by how the whole label matched
//! ([`Match`]: exact, prefix, words, typo), then preferred labels before alternative ones, then shorter labels,
//! then alphabetically; each concept appears once, with its best label.

use std::collections::HashMap;

use serde::Serialize;

use super::LabelSet;

/// How a label matched the query, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Match {
    /// The whole label is the query.
    Exact,
    /// The label starts with the query.
    Prefix,
    /// Every query word is (the start of) a word of the label.
    Words,
    /// As words, with a typo in at least one.
    Typo,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// The concept's index.
    #[serde(skip)]
    pub id: u32,
    /// The label that matched.
    pub matched: String,
    /// Whether it is the preferred label.
    pub preferred: bool,
    /// How it matched.
    #[serde(rename = "match")]
    pub kind: Match,
}

#[derive(Debug)]
struct Label {
    concept: u32,
    text: String,
    normalized: String,
    preferred: bool,
}

/// The index of one pillar in one language.
#[derive(Debug, Default)]
pub struct SearchIndex {
    labels: Vec<Label>,
    /// Sorted by word; each word's labels in ascending order.
    vocabulary: Vec<(String, Vec<u32>)>,
}

/// How well one query word matched one label: 0 a word, 1 a word's start, 2 with a typo.
type WordQuality = u8;

impl SearchIndex {
    /// Indexes the labels of the given concepts.
    #[must_use]
    pub fn build<'a>(concepts: impl IntoIterator<Item = (u32, &'a LabelSet)>) -> Self {
        let mut labels = Vec::new();
        for (concept, set) in concepts {
            let all = std::iter::once((&set.preferred, true)).chain(set.alternative.iter().map(|a| (a, false)));
            for (text, preferred) in all {
                labels.push(Label { concept, text: text.clone(), normalized: normalize(text), preferred });
            }
        }
        let mut words: HashMap<&str, Vec<u32>> = HashMap::new();
        for (i, label) in labels.iter().enumerate() {
            for word in label.normalized.split(' ').filter(|w| !w.is_empty()) {
                let postings = words.entry(word).or_default();
                let i = super::id(i);
                if postings.last() != Some(&i) {
                    postings.push(i);
                }
            }
        }
        let mut vocabulary: Vec<(String, Vec<u32>)> = words.into_iter().map(|(w, p)| (w.to_owned(), p)).collect();
        vocabulary.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Self { labels, vocabulary }
    }

    /// The best `limit` hits for `text`.
    #[must_use]
    pub fn search(&self, text: &str, limit: usize) -> Vec<Hit> {
        let query = normalize(text);
        let words: Vec<&str> = query.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() || limit == 0 {
            return Vec::new();
        }
        let matches: Vec<Vec<(usize, WordQuality)>> = words.iter().map(|w| self.vocabulary_matches(w)).collect();
        let size = |m: &Vec<(usize, WordQuality)>| m.iter().map(|&(v, _)| self.vocabulary[v].1.len()).sum::<usize>();
        let Some(seed) = (0..matches.len()).min_by_key(|&i| size(&matches[i])) else { return Vec::new() };
        // Start from the most selective word's labels, then keep those whose words also match every other word.
        let mut candidates: Vec<(u32, WordQuality)> = matches[seed]
            .iter()
            .flat_map(|&(v, quality)| self.vocabulary[v].1.iter().map(move |&label| (label, quality)))
            .collect();
        candidates.sort_unstable();
        candidates.dedup_by_key(|(label, _)| *label);
        for (_, other) in matches.iter().enumerate().filter(|&(i, _)| i != seed) {
            let wanted: HashMap<&str, WordQuality> =
                other.iter().map(|&(v, quality)| (self.vocabulary[v].0.as_str(), quality)).collect();
            candidates.retain_mut(|(label, quality)| {
                let best = self.labels[*label as usize].normalized.split(' ').filter_map(|w| wanted.get(w)).min();
                best.inspect(|&&q| *quality = (*quality).max(q)).is_some()
            });
            if candidates.is_empty() {
                break;
            }
        }
        self.rank(&query, &candidates, limit)
    }

    /// The vocabulary words a query word matches, with how well: the word itself and words it starts (only the
    /// word itself for one or two letters, unless that finds nothing), else its typos.
    fn vocabulary_matches(&self, word: &str) -> Vec<(usize, WordQuality)> {
        let start = self.vocabulary.partition_point(|(w, _)| w.as_str() < word);
        let prefixed = self.vocabulary[start..].iter().take_while(|(w, _)| w.starts_with(word)).count();
        let exact = self.vocabulary.get(start).is_some_and(|(w, _)| w == word);
        let found: Vec<(usize, WordQuality)> = if word.chars().count() <= 2 && exact {
            vec![(start, 0)]
        } else {
            (start..start + prefixed).map(|v| (v, WordQuality::from(self.vocabulary[v].0 != word))).collect()
        };
        if !found.is_empty() {
            return found;
        }
        self.typos_of(word).map(|v| (v, 2)).collect()
    }

    fn typos_of<'a>(&'a self, word: &'a str) -> impl Iterator<Item = usize> + 'a {
        let length = word.chars().count();
        let allowed = match length {
            0..=3 => 0,
            4..=8 => 1,
            _ => 2,
        };
        let first = word.chars().next().unwrap_or(' ');
        let mut buffer = [0; 4];
        let prefix: &str = first.encode_utf8(&mut buffer);
        let start = self.vocabulary.partition_point(|(w, _)| w.as_str() < prefix);
        let bucket = self.vocabulary[start..].iter().take_while(move |(w, _)| w.starts_with(first));
        bucket.enumerate().filter_map(move |(i, (candidate, _))| {
            let close = allowed > 0
                && candidate.chars().count().abs_diff(length) <= allowed
                && strsim::osa_distance(candidate, word) <= allowed;
            close.then_some(start + i)
        })
    }

    fn rank(&self, query: &str, candidates: &[(u32, WordQuality)], limit: usize) -> Vec<Hit> {
        let mut scored: Vec<(Match, bool, usize, &Label)> = candidates
            .iter()
            .map(|&(i, quality)| {
                let label = &self.labels[i as usize];
                let kind = if label.normalized == query {
                    Match::Exact
                } else if label.normalized.starts_with(query) && quality < 2 {
                    Match::Prefix
                } else if quality < 2 {
                    Match::Words
                } else {
                    Match::Typo
                };
                (kind, !label.preferred, label.text.len(), label)
            })
            .collect();
        scored.sort_unstable_by(|a, b| (a.0, a.1, a.2, &a.3.text).cmp(&(b.0, b.1, b.2, &b.3.text)));
        let mut seen = std::collections::HashSet::new();
        scored
            .into_iter()
            .filter(|(_, _, _, label)| seen.insert(label.concept))
            .take(limit)
            .map(|(kind, alternative, _, label)| Hit {
                id: label.concept,
                matched: label.text.clone(),
                preferred: !alternative,
                kind,
            })
            .collect()
    }
}

/// Lower case; every run of characters that are not letters or digits becomes one space.
#[must_use]
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(preferred: &str, alternative: &[&str]) -> LabelSet {
        LabelSet {
            preferred: preferred.into(),
            alternative: alternative.iter().map(|a| (*a).to_owned()).collect(),
            description: String::new(),
        }
    }

    fn index() -> SearchIndex {
        let sets = [
            set("Python (computer programming)", &["Python3"]),
            set("computer programming", &["coding"]),
            set("use scripting programming", &["Python scripting"]),
            set("data analyst", &["data analist trainee"]),
            set("analyse data", &[]),
        ];
        SearchIndex::build(sets.iter().enumerate().map(|(i, s)| (super::super::id(i), s)))
    }

    #[test]
    fn ranks_exact_then_prefix_then_words_preferred_first() {
        let hits = index().search("python", 10);
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(hits[0].kind, Match::Prefix);
        assert_eq!(index().search("Computer Programming", 1)[0].kind, Match::Exact);
        assert_eq!(index().search("comp prog", 5).iter().map(|h| h.id).collect::<Vec<_>>(), [1, 0]);
    }

    #[test]
    fn one_typo_per_word_is_forgiven_but_short_words_must_match() {
        let hits = index().search("data analist", 5);
        assert_eq!(hits[0].id, 3, "{hits:?}");
        assert_eq!(index().search("pythn", 5)[0].kind, Match::Typo);
        assert!(index().search("dta", 5).is_empty());
        assert!(index().search("  --  ", 5).is_empty());
    }
}
