"""`studygroup remind`: tell each attendee, in their own timezone, what is coming."""

from __future__ import annotations

from pathlib import Path

import click

from studygroup.cli.app import App, course_option, emit_json, json_option, note, pass_app
from studygroup.cli.complete import session_refs

COLLECTED = "studygroup.remind.collected"  # ctx.meta: --all-groups --json gathers each run's


@click.command()
@click.argument("ref", required=False, metavar="[REF]", shell_complete=session_refs)
@click.option("--send", "mode", flag_value="send", help="Send for real (SMTP, and --webhook).")
@click.option(
    "--outbox",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one .eml file per member into this directory instead (0700; files 0600).",
)
@click.option("--member", "member_ref", metavar="NAME", help="Only this (active) member.")
@click.option(
    "--webhook",
    metavar="env:NAME|@FILE|URL",
    help="Also post the agenda to a Slack or Discord incoming webhook (rendered for that "
    "chat): its URL from an environment variable (env:SLACK_WEBHOOK) or a file's first "
    "line (@~/.slack-hook). A URL typed here is visible to other local users.",
)
@click.option(
    "--chat",
    type=click.Choice(["slack", "discord", "markdown"]),
    help="How to render the webhook post (default: from the URL's host: hooks.slack.com is "
    "slack, discord.com is discord, any other gets the Markdown agenda as 'text').",
)
@click.option("--webhook-only", is_flag=True, help="Post to the webhook; send no email.")
@click.option(
    "--full",
    is_flag=True,
    help="A dry run prints each whole message (as --member does), not a line per message.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Send again what was already sent, or claimed by a run that was cut off.",
)
@click.option(
    "--method",
    type=click.Choice(["request", "publish"]),
    help="request: each email is an invitation that updates the member's calendar in place "
    "and takes their Yes / No / Maybe (the default when the group's mailbox is known: "
    "STUDYGROUP_SMTP_FROM or --organizer); publish: a plain calendar file, no answers.",
)
@click.option(
    "--organizer",
    metavar="EMAIL",
    help="The group's mailbox, where answers go (default: STUDYGROUP_SMTP_FROM).",
)
@course_option
@click.option(
    "--all-groups",
    is_flag=True,
    help="Every active course of every group (on PostgreSQL: every group you organise), "
    "one after another, with the options given: one cron line for the organisation.",
)
@json_option
@pass_app
@click.pass_context
def remind(
    ctx: click.Context,
    app: App,
    ref: str | None,
    mode: str | None,
    outbox: Path | None,
    member_ref: str | None,
    webhook: str | None,
    webhook_only: bool,
    chat: str | None,
    force: bool,
    full: bool,
    method: str | None,
    organizer: str | None,
    course_slug: str | None,
    all_groups: bool,
    as_json: bool,
) -> None:
    """Remind every active member with an email of a session (default: next): its time in
    their timezone and the course's and the call link first, then their talk slot, the
    lectures to watch, their open items, and an open poll. Emails have a plain-text and an
    HTML part, and the session's calendar event (.ics) attached.

    Each member is reminded once per version of the session: after a move, a cancel, an
    uncancel, or a change of length or call link, the next run sends those already reminded
    a change notice (and the webhook a fresh post), once.

    Every run first sends the change and cancellation notices still owed for any session to
    come (a session moved or cancelled after its reminder went out), then the reminders for
    the session asked about.

    Without --send or --outbox this is a dry run: one line per message that --send would send
    (the session, the kind: reminder, change or cancellation, the channel, the member and the
    session's time in their zone); --full, or --member NAME, prints whole messages. Each
    reminder is claimed in the log before it goes out and confirmed after, so it is sent at
    most once, whatever runs at the same time or is cut off; a run that was cut off between
    a send and its confirmation leaves it "unconfirmed" (reported, never resent without
    --force). One failing recipient does not stop the others; the exit code is 1 if anyone
    failed or is unconfirmed.

    SMTP settings come only from the environment: STUDYGROUP_SMTP_HOST, _PORT (587),
    _USER, _PASSWORD, _FROM, and _STARTTLS (1: verified TLS, the default; 0: plain, for a
    local relay).

    Each email carries the session as a calendar invitation (iTIP METHOD:REQUEST, the
    group's mailbox as ORGANIZER and the member as ATTENDEE): a move updates the event in
    their calendar, a cancellation (METHOD:CANCEL) removes it, and their Yes / No / Maybe
    comes back to the mailbox for `rsvp fetch`. A member who said no gets no reminder
    (a change notice still reaches them).

    \b
    Example:
      studygroup remind                       # dry run: a line per message
      studygroup remind --member ada          # Ada's whole message
      studygroup remind --send --webhook env:SLACK_WEBHOOK_URL
      # cron, every Monday 09:00 for a Tuesday group:
      0 9 * * 1  studygroup --db ~/fsdl.db remind --send
      0 9 * * *  studygroup --db "$ORG_DB" remind --all-groups --send
    """
    if all_groups:
        if member_ref or ref:
            raise click.UsageError("--all-groups takes no REF or --member")
        _every_group(ctx, app, as_json)
        return
    from studygroup import reminders
    from studygroup.errors import StudygroupError
    from studygroup.render.reminder import Line, preview_line, preview_text
    from studygroup.store.enums import Channel

    if mode and outbox:
        raise click.UsageError("--send and --outbox exclude each other")
    if webhook_only and not webhook:
        raise click.UsageError("--webhook-only needs --webhook URL")
    if chat and not webhook:
        raise click.UsageError("--chat needs --webhook URL")
    hook_url = None
    if webhook:
        from studygroup.io.delivery import resolve_webhook

        hook_url, typed_here = resolve_webhook(webhook)
        if typed_here:
            note(
                "warning: a webhook URL on the command line can be read by other local users "
                "while this runs; pass --webhook env:NAME or --webhook @FILE instead"
            )
    channel = Channel.EMAIL if mode == "send" else Channel.OUTBOX if outbox else None
    app.started()
    reports = reminders.send(
        app.database,
        reminders.Request(
            course_slug,
            ref,
            member_ref,
            channel,
            outbox,
            hook_url,
            webhook_only=webhook_only,
            chat=chat,
            force=force,
            full=full,
            method=method,
            organizer=organizer,
        ),
    )
    *notices, report = reports
    if report.warning:
        note(f"warning: {report.warning}")
    batch: list[str] = []
    for each in reports:
        for draft in each.previews:  # made as they are taken: a large group's dry run streams
            if not as_json:
                batch.append(
                    preview_line(draft) if isinstance(draft, Line) else preview_text(draft)
                )
                if len(batch) == 200:
                    click.echo("\n".join(batch))
                    batch.clear()
    if batch:
        click.echo("\n".join(batch))
    if as_json:
        doc = {**report.as_dict(), "notices": [each.as_dict() for each in notices]}
        collected = ctx.meta.get(COLLECTED)
        if collected is None:
            emit_json(doc)
        else:  # --all-groups --json: one document for every run, printed at the end
            collected.append(doc)
    elif report.webhook_preview is not None:
        where, chat_name, parts, size = report.webhook_preview
        posts = "1 post" if parts == 1 else f"{parts} posts"
        click.echo(
            f"Webhook {where} would get the agenda for {chat_name}: {posts}, {size} characters"
        )
    for each in reports:
        note(each.summary())
    problem = "; ".join(p for p in (each.problems() for each in reports) if p)
    if problem:
        raise StudygroupError(problem)


def _every_group(ctx: click.Context, app: App, as_json: bool) -> None:
    """`remind --all-groups`: the run above, with every option given, for each active course
    of each live group in turn; one that can't run (no session to come) is reported and the
    others go on. Exit 1 if any failed. With --json, one list: each run's document with its
    group and course (or its error)."""
    from studygroup import groups
    from studygroup.cli.errors import describe

    app.started()
    with app.read() as db:
        runs = [(group.slug, course.slug) for group, course in groups.each_course(db)]
    failed = 0
    documents: list[dict[str, object]] = []
    if as_json:
        ctx.meta[COLLECTED] = []
    for group_slug, course_slug in runs:
        note(f"== {group_slug} / {course_slug}")
        app.database.group = group_slug
        where = {"group": group_slug, "course": course_slug}
        error = None
        try:  # the options this run was given, for this group's course
            ctx.invoke(remind, **{**ctx.params, "course_slug": course_slug, "all_groups": False})
        except click.exceptions.Exit as done:
            failed += done.exit_code != 0
        except Exception as exc:  # one group's failure never stops the others
            failed += 1
            error = (
                exc.format_message() if isinstance(exc, click.ClickException) else (describe(exc))
            )
            note(f"{group_slug} / {course_slug}: {error}")
        if as_json:
            collected = ctx.meta[COLLECTED]
            documents.append(
                {**where, **collected.pop()} if collected else {**where, "error": error}
            )
    if as_json:
        emit_json(documents)
    if failed:
        raise click.exceptions.Exit(1)
