use super::*;
use super::statuses::check_statuses;

fn status(name: &str, set: StatusSet) -> IdeaStatus {
    IdeaStatus {
        name: name.into(),
        label: name.into(),
        set,
    }
}

#[test]
fn a_status_list_keeps_new_and_names_each_status_once() {
    assert!(check_statuses(&[status("new", StatusSet::Open)]).is_ok());
    assert!(check_statuses(&[status("planned", StatusSet::Active)]).is_err());
    assert!(
        check_statuses(&[
            status("new", StatusSet::Open),
            status("new", StatusSet::Closed)
        ])
        .is_err()
    );
    assert!(
        check_statuses(&[
            status("new", StatusSet::Open),
            status("merged", StatusSet::Closed)
        ])
        .is_err()
    );
    assert!(
        check_statuses(&[
            status("new", StatusSet::Open),
            status("Bad Name", StatusSet::Open)
        ])
        .is_err()
    );
}

#[test]
fn sorts_and_sets_are_named() {
    for sort in [IdeaSort::Votes, IdeaSort::Trending, IdeaSort::Newest] {
        assert_eq!(IdeaSort::parse(Some(sort.as_str())), Ok(sort));
    }
    assert!(IdeaSort::parse(Some("random")).is_err());
    for set in [StatusSet::Open, StatusSet::Active, StatusSet::Closed] {
        assert_eq!(StatusSet::parse(set.as_str()), Some(set));
    }
}
