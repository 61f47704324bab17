"""`studygroup remind`: tell each attendee, in their own timezone, what is coming."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from studygroup.cli.app import App, course_option, emit_json, json_option, note, pass_app


@click.command()
@click.argument("ref", required=False, metavar="[REF]")
@click.option("--send", "mode", flag_value="send", help="Send for real (SMTP, and --webhook).")
@click.option("--outbox", type=click.Path(file_okay=False, path_type=Path),
              help="Write one .eml file per member into this directory instead.")
@click.option("--member", "member_ref", metavar="NAME", help="Only this member.")
@click.option("--webhook", metavar="URL",
              help="Also post the Markdown agenda to a Slack/Discord incoming webhook.")
@click.option("--webhook-only", is_flag=True, help="Post to the webhook; send no email.")
@click.option("--force", is_flag=True, help="Send again what was already sent.")
@course_option
@json_option
@pass_app
def remind(app: App, ref: str | None, mode: str | None, outbox: Path | None,
           member_ref: str | None, webhook: str | None, webhook_only: bool, force: bool,
           course_slug: str | None, as_json: bool) -> None:
    """Remind every active member with an email of a session (default: next): its time in
    their timezone and the course's, the lectures to watch, their talk slot, their open items.

    Without --send or --outbox this is a dry run that prints what would be sent. Each reminder
    sent is logged, so running it again sends nothing new (--force resends). One failing
    recipient does not stop the others; the exit code is 1 if anyone failed.

    SMTP settings come only from the environment: STUDYGROUP_SMTP_HOST, _PORT (587),
    _USER, _PASSWORD, _FROM, and _STARTTLS (1: verified TLS, the default; 0: plain, for a
    local relay).

    \b
    Example:
      studygroup remind                       # dry run
      studygroup remind --send --webhook "$SLACK_WEBHOOK_URL"
      # cron, every Monday 09:00 for a Tuesday group:
      0 9 * * 1  studygroup --db ~/fsdl.db remind --send
    """
    from studygroup import exports, lookup, reminders
    from studygroup.errors import StudygroupError
    from studygroup.tables import Channel

    if mode and outbox:
        raise click.UsageError("--send and --outbox exclude each other")
    if webhook_only and not webhook:
        raise click.UsageError("--webhook-only needs --webhook URL")
    channel = Channel.EMAIL if mode == "send" else Channel.OUTBOX if outbox else None
    if channel is not None or webhook:
        from studygroup import delivery  # email, TLS and HTTP: only when something goes out
    settings = delivery.SmtpSettings.from_env() if channel is Channel.EMAIL and not (
        webhook_only) else None

    with app.read() as db:
        course, target = lookup.pick(db, course_slug, ref)
        only = lookup.find_member(db, member_ref) if member_ref else None
        doc = exports.agenda_document(db, course, target)
        planned, no_email = reminders.drafts(db, course, doc, only)
        done = reminders.sent_targets(db, target, channel) if channel else set()
        hooked = reminders.sent_targets(db, target, Channel.WEBHOOK) if webhook else set()
        session_id = target.id
        number = target.number
    if webhook_only:
        planned = []

    def record(draft: reminders.Draft | None, where: str, message_id: str | None,
               ch: Channel) -> None:
        with app.write_session() as db:
            reminders.log_sent(db, session_id, draft.member_id if draft else None, ch, where,
                               draft.subject if draft else None, message_id)

    if channel is None:
        results, failed = reminders.deliver(planned, reminders.DRY_RUN)
    else:
        pending = any(force or d.email not in done for d in planned)
        with delivery.email_transport(settings, outbox, number, pending) as transport:
            results, failed = reminders.deliver(planned, reminders.Delivery(
                channel=channel, already=done, force=force,
                target_of=lambda d: d.email if channel is Channel.EMAIL
                else f"{d.member_id}.eml",
                transport=transport,
                record=lambda d, where, mid: record(d, where, mid, channel),
                describe=lambda exc: delivery.describe_error(
                    exc, settings.password if settings else None),
            ))
    if channel is None and not as_json and planned:
        click.echo("\n".join(f"To: {draft.name} <{draft.email}>\nSubject: {draft.subject}\n\n"
                             f"{draft.body}\n{'-' * 60}" for draft in planned))

    if webhook:
        from studygroup.render.markdown import agenda_markdown

        where = delivery.webhook_target(webhook)
        hook: dict[str, Any] = {"webhook": where}
        results.append(hook)
        if mode != "send":
            hook["status"] = "would post"
            if not as_json:
                click.echo(f"Webhook {where} would get the Markdown agenda "
                           f"({len(agenda_markdown(doc))} characters)")
        elif where in hooked and not force:
            hook["status"] = "already posted"
        else:
            try:
                delivery.post_webhook(webhook, agenda_markdown(doc))
            except StudygroupError as exc:
                hook["status"] = "failed"
                hook["error"] = str(exc)
                failed.append(f"webhook ({exc})")
            else:
                record(None, where, None, Channel.WEBHOOK)
                hook["status"] = "posted"

    if as_json:
        emit_json({"session": number, "mode": channel.value if channel else "dry-run",
                   "reminders": results, "no_email": no_email})
    counts: dict[str, int] = {}
    for outcome in results:
        counts[outcome.get("status", "")] = counts.get(outcome.get("status", ""), 0) + 1
    note(f"session {number}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
         + (f"; no email for {', '.join(no_email[:10])}"
            + (f" and {len(no_email) - 10} more" if len(no_email) > 10 else "")
            if no_email else ""))
    if failed:
        raise StudygroupError("reminders failed for " + "; ".join(failed))
