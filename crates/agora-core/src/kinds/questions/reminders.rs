//! Reminding askers who let an answer wait the set number of days: the worker's periodic job
//! and the event it records once per question.

use super::*;

/// An answer has waited the set number of days without the asker accepting any: the asker is
/// to be reminded, once (`topic`, `post`, `asker`; the notifications issue delivers it).
pub static WAITING: KindEventSpec = KindEventSpec {
    name: "answer_waiting",
    topics: &["topic"],
    shown: false,
    who: None,
    member: Some("asker"),
    item: Some((crate::forum::items::POST, "post")),
    audience: Some((crate::audience::AudienceKind::Group, "group")),
};

/// The worker's reminders to askers who let an answer wait.
pub const REMINDERS: crate::kinds::PeriodicJob = crate::kinds::PeriodicJob {
    name: "question reminders",
    run: |agora| Box::pin(async move { agora.questions().remind_askers().await }),
};

impl Questions<'_> {
    /// Records a reminder for each asker who let an answer wait the set number of days; how
    /// many were recorded. Run by the worker.
    pub(crate) async fn remind_askers(self) -> Result<usize, StoreError> {
        let days = self
            .trust()
            .trust_settings()
            .await?
            .get("question_remind_days");
        if days <= 0 {
            return Ok(0);
        }
        let now = self.now();
        let mut reminded = 0;
        for waiting in self
            .store
            .answers_waiting(now.plus_seconds(-days * 86_400), 100)
            .await?
        {
            let event = Event::Kind(KindEvent::new(
                &WAITING,
                serde_json::json!({
                    "topic": waiting.topic.0,
                    "post": waiting.post.0,
                    "asker": waiting.asker.0,
                    "group": waiting.group.0,
                }),
            ));
            if self.store.remind_asker(waiting, now, &event).await? {
                reminded += 1;
            }
        }
        Ok(reminded)
    }
}
