"""The demo's people, cases, hosts and stay requests, in one place on top of every app.

`sanctuary seed_demo` (demo mode only) runs them in order; nothing else imports this package
but the tests of the demo."""
