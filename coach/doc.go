// Package coach is Deescalate's domain: it reads a support message (Analyze), holds it to
// the playbook's rules (Review, Check), keeps each thread's state (Observe: thread and event
// in, thread and nudges out), keeps the promise ledger and its timers (Timers, Fire, Keep,
// Snooze, Move), writes reply drafts (Draft) and decides what each change adds to the week's
// figures (TallyOf).
//
// It is pure and deterministic: no I/O, no clock of its own (time comes in as a value), no
// import of Slack, Redis or logging. The rules, phrase lists and wording are data
// (playbook.json, promise.json, words.json) and the judgement's weights are learned
// (models/), all embedded.
package coach
