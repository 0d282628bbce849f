# Optralis — see README.md. Every target is a thin call into scripts/.
SHELL := /bin/bash
SERVICE ?= api

.PHONY: deps build run stop status logs mail test bench migrate backup restore format lint

deps:           ## install missing Debian packages and test tools
	scripts/deps.sh

build: deps     ## debug build of every executable
	swift build

run: deps       ## local PostgreSQL + Redis, build, migrate, start every service and an agent
	scripts/run.sh start

stop:           ## stop what `make run` started
	scripts/run.sh stop

status:         ## which services are running
	scripts/run.sh status

logs:           ## follow one service's log: make logs SERVICE=notifier
	tail -n 100 -F .local/logs/$(SERVICE).log

mail:           ## the emails the local stack sent (no SMTP_HOST): make mail, or make mail N=3 to read one
	@if [ -n "$(N)" ]; then python3 scripts/mailcatcher.py show .local/mail $(N); else python3 scripts/mailcatcher.py list .local/mail; fi

test:           ## every test, against a PostgreSQL and Redis started for the run (FILTER="SuiteA|SuiteB": only those)
	scripts/test.sh $(if $(FILTER),--filter "$(FILTER)")

format:         ## rewrite every Swift file as .swift-format asks (swift format, part of the toolchain)
	scripts/format.sh format

lint:           ## check that every Swift file is formatted (make test runs it first)
	scripts/format.sh lint

bench:          ## benchmarks (scripts/bench.sh)
	scripts/bench.sh

backup:         ## database (pg_dump -Fc) + CA directory of `make run`, or DATABASE_URL/CA_DIR: make backup [DIR=...]
	scripts/backup.sh backup $(or $(DIR),.local/backups/$(shell date -u +%Y%m%dT%H%M%SZ))

restore:        ## restore a backup into an empty database and CA_DIR: make restore DIR=... [FORCE=1]
	@test -n "$(DIR)" || { echo "make restore DIR=<a backup directory> [FORCE=1]" >&2; exit 2; }
	scripts/backup.sh restore $(DIR) $(if $(FORCE),--force)
