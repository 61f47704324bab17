"""`studygroup remind`: tell each attendee, in their own timezone, what is coming."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click

from studygroup.cli.app import App, course_option, emit_json, json_option, note, pass_app


@click.command()
@click.argument("ref", required=False, metavar="[REF]")
@click.option("--send", "mode", flag_value="send", help="Send for real (SMTP, and --webhook).")
@click.option("--outbox", type=click.Path(file_okay=False, path_type=Path),
              help="Write one .eml file per member into this directory instead (0700; "
              "files 0600).")
@click.option("--member", "member_ref", metavar="NAME", help="Only this (active) member.")
@click.option("--webhook", metavar="env:NAME|@FILE|URL",
              help="Also post the Markdown agenda to a Slack/Discord incoming webhook: its URL "
              "from an environment variable (env:SLACK_WEBHOOK) or a file's first line "
              "(@~/.slack-hook). A URL typed here is visible to other local users.")
@click.option("--webhook-only", is_flag=True, help="Post to the webhook; send no email.")
@click.option("--force", is_flag=True,
              help="Send again what was already sent, or claimed by a run that was cut off.")
@course_option
@json_option
@pass_app
def remind(app: App, ref: str | None, mode: str | None, outbox: Path | None,
           member_ref: str | None, webhook: str | None, webhook_only: bool, force: bool,
           course_slug: str | None, as_json: bool) -> None:
    """Remind every active member with an email of a session (default: next): its time in
    their timezone and the course's, the lectures to watch, their talk slot, their open items.

    Without --send or --outbox this is a dry run that prints what would be sent. Each
    reminder is claimed in the log before it goes out and confirmed after, so it is sent at
    most once, whatever runs at the same time or is cut off; a run that was cut off between
    a send and its confirmation leaves it "unconfirmed" (reported, never resent without
    --force). One failing recipient does not stop the others; the exit code is 1 if anyone
    failed or is unconfirmed.

    SMTP settings come only from the environment: STUDYGROUP_SMTP_HOST, _PORT (587),
    _USER, _PASSWORD, _FROM, and _STARTTLS (1: verified TLS, the default; 0: plain, for a
    local relay).

    \b
    Example:
      studygroup remind                       # dry run
      studygroup remind --send --webhook env:SLACK_WEBHOOK_URL
      # cron, every Monday 09:00 for a Tuesday group:
      0 9 * * 1  studygroup --db ~/fsdl.db remind --send
    """
    from studygroup import exports, members, reminders, sessions
    from studygroup.errors import StudygroupError
    from studygroup.store.enums import Channel

    if mode and outbox:
        raise click.UsageError("--send and --outbox exclude each other")
    if webhook_only and not webhook:
        raise click.UsageError("--webhook-only needs --webhook URL")
    channel = Channel.EMAIL if mode == "send" else Channel.OUTBOX if outbox else None
    if channel is not None or webhook:
        from studygroup.io import delivery  # email, TLS and HTTP: only when something goes out
    hook_url, typed_here = delivery.resolve_webhook(webhook) if webhook else (None, False)
    if typed_here:
        note("warning: a webhook URL on the command line can be read by other local users "
             "while this runs; pass --webhook env:NAME or --webhook @FILE instead")
    settings = delivery.SmtpSettings.from_env() if channel is Channel.EMAIL and not (
        webhook_only) else None

    with app.read() as db:
        course, target = sessions.pick(db, course_slug, ref)
        only = members.find(db, member_ref) if member_ref else None
        if only is not None and not only.active:
            raise StudygroupError(f"{only.name} is archived and gets no reminders "
                                  f"(restore them with 'studygroup member restore')")
        doc = exports.agenda_document(db, course, target)
        planned, no_email = reminders.drafts(db, course, doc, only)
        session_id = target.id
        number = target.number
    if webhook_only:
        planned = []

    def journal(work: Callable[[Any], None]) -> None:
        with app.write() as db:
            work(db)

    results: list[dict[str, Any]] = []
    failed: list[str] = []
    unconfirmed: list[str] = []

    def report(draft_or_hook: dict[str, Any], outcome: reminders.Outcome | None,
               default: str) -> None:
        entry = {**draft_or_hook, "status": outcome.status if outcome else default}
        if outcome is not None and outcome.error:
            entry["error"] = outcome.error
        results.append(entry)
        who = draft_or_hook.get("member") or "webhook"
        if entry["status"] == "failed":
            failed.append(f"{who} ({entry['error']})")
        elif entry["status"].endswith("unconfirmed"):
            unconfirmed.append(who)

    if channel is None:
        for draft in planned:
            report({"member": draft.name, "email": draft.email, "subject": draft.subject},
                   None, "would send")
        if not as_json and planned:
            click.echo("\n".join(f"To: {draft.name} <{draft.email}>\nSubject: {draft.subject}"
                                 f"\n\n{draft.body}\n{'-' * 60}" for draft in planned))
    elif planned:
        files: dict[str, Path] = {}
        if outbox is not None:
            from studygroup.io.files import private_dir

            folder = private_dir(outbox.absolute())
            for draft in planned:
                path = folder / f"session-{number}-{draft.member_id}.eml"
                files[delivery.outbox_target(path)] = path
            by_target = dict(zip(files, planned, strict=True))
        else:
            by_target = {draft.email: draft for draft in planned}
        with app.database.run_lock(session_id):
            outcomes = reminders.deliver(
                journal, session_id, channel,
                [(t, d.member_id, d.subject) for t, d in by_target.items()], force,
                lambda: delivery.email_transport(settings, outbox, by_target, files),
                lambda exc: delivery.describe_error(
                    exc, settings.password if settings else None))
        for where, draft in by_target.items():
            report({"member": draft.name, "email": draft.email, "subject": draft.subject},
                   outcomes.get(where), "not sent")

    if webhook and hook_url is not None:
        from studygroup.render.markdown import agenda_markdown

        where = delivery.webhook_target(hook_url)
        hook: dict[str, Any] = {"webhook": where}
        markdown = agenda_markdown(doc)
        if mode != "send":
            report(hook, None, "would post")
            if not as_json:
                click.echo(f"Webhook {where} would get the Markdown agenda "
                           f"({len(markdown)} characters)")
        else:
            def post(_target: str) -> None:
                delivery.post_webhook(hook_url, markdown)

            with app.database.run_lock(session_id):
                posted = reminders.deliver(
                    journal, session_id, Channel.WEBHOOK, [(where, None, None)], force,
                    lambda: nullcontext(post), lambda exc: str(exc))
            report(hook, posted.get(where), "not posted")

    if as_json:
        emit_json({"session": number, "mode": channel.value if channel else "dry-run",
                   "reminders": results, "no_email": no_email})
    counts: dict[str, int] = {}
    for outcome in results:
        counts[outcome["status"]] = counts.get(outcome["status"], 0) + 1
    note(f"session {number}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
         + (f"; no email for {', '.join(no_email[:10])}"
            + (f" and {len(no_email) - 10} more" if len(no_email) > 10 else "")
            if no_email else ""))
    problems = []
    if failed:
        problems.append("reminders failed for " + "; ".join(failed))
    if unconfirmed:
        problems.append(
            f"{len(unconfirmed)} unconfirmed ({', '.join(unconfirmed[:5])}"
            + (" ..." if len(unconfirmed) > 5 else "")
            + "): claimed by a run that was cut off or could not record the send, so they may "
            "have gone out; check the mail log, and resend one with --force --member NAME")
    if problems:
        raise StudygroupError("; ".join(problems))
