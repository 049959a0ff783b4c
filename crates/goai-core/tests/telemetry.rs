//! Tracing spans use the OpenTelemetry GenAI names and carry no prompt text
//! unless the caller opts in.
#![cfg(feature = "testing")]

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use goai_core::testing::MockLanguageModel;
use goai_core::{Request, generate_text};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Records every field of every span and event as `name=value`.
#[derive(Clone, Default)]
struct Recorder {
    fields: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Collect<'a>(&'a Mutex<Vec<String>>);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{}={:?}", field.name(), value));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        span.record(&mut Collect(&self.fields));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Collect(&self.fields));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        event.record(&mut Collect(&self.fields));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn run(record_content: bool) -> Vec<String> {
    let recorder = Recorder::default();
    let fields = Arc::clone(&recorder.fields);
    tracing::subscriber::with_default(recorder, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let model = MockLanguageModel::new().with_text("the answer");
            let req = Request::prompt("my secret prompt")
                .max_tokens(64)
                .record_content(record_content);
            generate_text(&model, req).await.unwrap();
        });
    });
    fields.lock().unwrap().clone()
}

#[test]
fn spans_use_gen_ai_names_and_hide_content_by_default() {
    let fields = run(false);
    let has = |s: &str| fields.iter().any(|f| f == s);
    assert!(has("gen_ai.operation.name=\"chat\""), "{fields:?}");
    assert!(has("gen_ai.provider.name=\"mock\""));
    assert!(has("gen_ai.request.model=\"mock-model\""));
    assert!(has("gen_ai.request.max_tokens=64"));
    assert!(has("gen_ai.usage.input_tokens=10"));
    assert!(has("gen_ai.usage.output_tokens=5"));
    assert!(
        !fields
            .iter()
            .any(|f| f.contains("my secret prompt") || f.contains("the answer"))
    );

    let fields = run(true);
    assert!(
        fields
            .iter()
            .any(|f| f.starts_with("gen_ai.input.messages") && f.contains("my secret prompt"))
    );
    assert!(
        fields
            .iter()
            .any(|f| f.starts_with("gen_ai.output.messages") && f.contains("the answer"))
    );
}
