//! One synthetic respondent's answers so far, held in buffers reused from row to row (no
//! allocation per row once every buffer has grown), and looked up the way `show_if`
//! conditions read answers.

use crate::survey::{Given, Survey, Target};

/// What a question was given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slot {
    Missing,
    /// A choice or level index (single, likert).
    Code(u8),
    /// Indices in `Answers::codes`: ticked (ascending) or ranked (rank order).
    Codes,
    Number(f64),
    /// Text in `Answers::texts`.
    Text,
    /// One level per row in `Answers::levels` (matrix).
    Rows,
}

#[derive(Debug, Clone)]
pub struct Answers {
    pub slots: Vec<Slot>,
    /// Per question: one level per matrix row (`None`: the row is blank).
    pub levels: Vec<Vec<Option<u8>>>,
    pub codes: Vec<Vec<u8>>,
    pub texts: Vec<String>,
    /// Per question: the specification of its "other" choice (empty: none).
    pub others: Vec<String>,
}

impl Answers {
    pub fn new(survey: &Survey) -> Answers {
        let n = survey.questions.len();
        Answers {
            slots: vec![Slot::Missing; n],
            levels: survey
                .questions
                .iter()
                .map(|q| vec![None; q.rows().len()])
                .collect(),
            codes: vec![Vec::new(); n],
            texts: vec![String::new(); n],
            others: vec![String::new(); n],
        }
    }

    /// Blanks question `q` (keeping its buffers' capacity).
    pub fn clear(&mut self, q: usize) {
        self.slots[q] = Slot::Missing;
        self.levels[q].iter_mut().for_each(|l| *l = None);
        self.codes[q].clear();
        self.texts[q].clear();
        self.others[q].clear();
    }

    /// The answer at a condition's target, as ingest would read it back.
    pub fn given(&self, target: Target) -> Given<'_> {
        let q = target.question;
        match (self.slots[q], target.row) {
            (Slot::Rows, Some(row)) => match self.levels[q].get(row).copied().flatten() {
                Some(level) => Given::Code(usize::from(level)),
                None => Given::Missing,
            },
            (Slot::Code(c), None) => Given::Code(usize::from(c)),
            (Slot::Codes, None) => Given::Codes(&self.codes[q]),
            (Slot::Number(n), None) => Given::Number(n),
            (Slot::Text, None) => Given::Text,
            _ => Given::Missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn lookups_read_each_kind_and_clearing_blanks_it() {
        let survey = testing::every_kind();
        let mut answers = Answers::new(&survey);
        let at = |question, row| Target { question, row };
        answers.slots[0] = Slot::Code(2);
        answers.slots[2] = Slot::Codes;
        answers.codes[2].extend([0, 2]);
        answers.slots[3] = Slot::Rows;
        answers.levels[3][1] = Some(1);
        answers.slots[5] = Slot::Number(35.0);
        assert_eq!(answers.given(at(0, None)), Given::Code(2));
        assert_eq!(answers.given(at(2, None)), Given::Codes(&[0, 2]));
        assert_eq!(answers.given(at(3, Some(0))), Given::Missing);
        assert_eq!(answers.given(at(3, Some(1))), Given::Code(1));
        assert_eq!(answers.given(at(5, None)), Given::Number(35.0));
        answers.clear(3);
        assert_eq!(answers.given(at(3, Some(1))), Given::Missing);
        assert_eq!(answers.given(at(1, None)), Given::Missing);
    }
}
