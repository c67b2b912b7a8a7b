#!/bin/sh
# The periodic jobs by name; each deploy/systemd/linlitong-job-<name>.timer starts
# linlitong-job@<name>.service, which runs `deploy/jobs.sh <name>`. Every job may run again or
# overlap another run of itself: each thing happens once (conditional updates, ledger keys).
set -eu
cd "$(dirname "$0")/.."
FLASK="${FLASK:-.venv/bin/flask}"
export FLASK_APP="${FLASK_APP:-wsgi.py}"
case "${1:-}" in
  jobs-drain)               exec $FLASK jobs drain ;;               # outbox: unannounced, retried, dead workers' rows
  consultations-tick)       exec $FLASK consultations tick ;;       # open and close consultations on time
  feedback-escalate)        exec $FLASK feedback escalate ;;        # overdue 社情民意 reports; unrated resolutions closed
  orders-escalate)          exec $FLASK orders escalate ;;          # overdue service-request steps; lapsed proxy orders
  mall-sweep-vouchers)      exec $FLASK mall sweep-vouchers ;;      # expired vouchers refunded; old idempotency keys
  volunteering-close-shifts) exec $FLASK volunteering close-shifts ;; # no-shows once the grace has passed
  files-check-photos)       exec $FLASK files check-photos ;;       # image checks never started or answered
  files-sweep-orphans)      exec $FLASK files sweep-orphans ;;      # uploads never attached after 24 h
  trust-escalate-rechecks)  exec $FLASK trust escalate-rechecks ;;  # rechecks past their deadline
  projects-escalate)        exec $FLASK projects escalate ;;        # overdue 大党委 projects
  projects-remind-meetings) exec $FLASK projects remind-meetings ;; # quarters without a 大党委 meeting
  organisations-sync-roles) exec $FLASK organisations sync-roles ;; # seat roles of terms begun or ended
  audit-purge)              exec $FLASK audit purge ;;              # audit entries past retention
  privacy-purge-inactive)   exec $FLASK privacy purge-inactive ;;   # accounts unused for 3 years
  *) echo "unknown job: ${1:-}" >&2; exit 2 ;;
esac
