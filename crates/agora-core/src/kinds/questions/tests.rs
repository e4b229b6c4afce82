use super::*;

#[test]
fn lists_are_named_and_unknown_names_refused() {
    for list in [
        QuestionList::All,
        QuestionList::Unanswered,
        QuestionList::Answered,
        QuestionList::Solved,
    ] {
        assert_eq!(QuestionList::parse(Some(list.as_str())), Ok(list));
    }
    assert_eq!(QuestionList::parse(None), Ok(QuestionList::All));
    assert!(QuestionList::parse(Some("spam")).is_err());
}

#[test]
fn times_are_counted_from_the_question() {
    let view = QuestionView {
        topic: TopicId(1),
        status: OPEN.into(),
        asked_at: Timestamp(1_000),
        record: QuestionRecord {
            first_answer_at: Some(Timestamp(1_000).plus_seconds(3_600)),
            first_accepted_at: Some(Timestamp(1_000).plus_seconds(86_400)),
            ..QuestionRecord::default()
        },
    };
    assert_eq!(view.time_to_first_answer(), Some(3_600));
    assert_eq!(view.time_to_accepted_answer(), Some(86_400));
}
