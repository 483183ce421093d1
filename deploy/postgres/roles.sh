#!/bin/sh
# PostgreSQL's users for Career Coach, one per service, each allowed what it needs and nothing
# else. The postgres image runs this once, when it creates the database (docker-compose.yml
# mounts it into /docker-entrypoint-initdb.d); the scale, fault and edge tests run it on their
# throw-away databases (tests/scale_support.py). It can run again, and on a database made by an
# earlier deploy/ (where every service was the administrator, careercoach) it hands each table
# to its service; run it by hand there, as that administrator:
#   docker compose -f deploy/docker-compose.yml exec -e POSTGRES_USER=careercoach postgres \
#     /docker-entrypoint-initdb.d/roles.sh
#
#   kb       builds the knowledge base (python -m knowledge.build): owns the kb_ tables, which
#            every build drops and makes again
#   rasa     the Rasa servers' tracker store: owns the `events` table (Rasa makes it at start)
#   actions  the action servers: read the kb_ tables; make, read and write the plan_ tables
#            (plans/store.py makes them at first use)
#   web      the page server: reads the plan_ tables, and deletes expired download links
#            (plan_links)
#   (actions also deletes a person's rows of `events` when they ask to be forgotten, before it
#   says so: DELETE on it, and SELECT on its sender_id column only, which the DELETE's WHERE
#   needs; it cannot read a conversation)
# Nobody else may connect; the administrator (POSTGRES_USER) is the image's superuser.
#
# Environment: POSTGRES_USER and POSTGRES_DB (as the image sets them), KB_DB_PASSWORD,
# RASA_DB_PASSWORD, ACTIONS_DB_PASSWORD, WEB_DB_PASSWORD; the users' names KB_DB_USER,
# RASA_DB_USER, ACTIONS_DB_USER, WEB_DB_USER (default kb, rasa, actions, web). psql's PGHOST and
# PGPORT say where the server is (the image: its local socket). The passwords reach psql
# through its environment (\getenv), never its command line.
set -e
: "${POSTGRES_USER:?}" "${POSTGRES_DB:?}"
: "${KB_DB_PASSWORD:?set KB_DB_PASSWORD}" "${RASA_DB_PASSWORD:?set RASA_DB_PASSWORD}"
: "${ACTIONS_DB_PASSWORD:?set ACTIONS_DB_PASSWORD}" "${WEB_DB_PASSWORD:?set WEB_DB_PASSWORD}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v kb="${KB_DB_USER:-kb}" -v rasa="${RASA_DB_USER:-rasa}" \
  -v actions="${ACTIONS_DB_USER:-actions}" -v web="${WEB_DB_USER:-web}" <<'SQL'
\getenv kb_password KB_DB_PASSWORD
\getenv rasa_password RASA_DB_PASSWORD
\getenv actions_password ACTIONS_DB_PASSWORD
\getenv web_password WEB_DB_PASSWORD
SET client_min_messages = warning;

BEGIN;

-- The users: created when missing, their passwords set every time.
SELECT format('CREATE ROLE %I', name) FROM (VALUES (:'kb'), (:'rasa'), (:'actions'), (:'web'))
    AS wanted(name) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) \gexec
ALTER ROLE :"kb" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'kb_password';
ALTER ROLE :"rasa" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'rasa_password';
ALTER ROLE :"actions" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE
    PASSWORD :'actions_password';
ALTER ROLE :"web" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'web_password';

-- Only they may connect (by default every user may), and nobody makes temporary tables.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I, %I, %I, %I', current_database(),
              :'kb', :'rasa', :'actions', :'web') \gexec

-- The schema: the three services that make their own tables may create tables in it (each
-- owns what it makes; nobody can drop or change another's tables), the page server only reads.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"kb", :"rasa", :"actions", :"web";
GRANT CREATE ON SCHEMA public TO :"kb", :"rasa", :"actions";

-- Tables made later by their owners: the action servers read each kb_ table the knowledge
-- base's builds make, and the page server reads each plan_ table the action servers make.
ALTER DEFAULT PRIVILEGES FOR ROLE :"kb" IN SCHEMA public GRANT SELECT ON TABLES TO :"actions";
ALTER DEFAULT PRIVILEGES FOR ROLE :"actions" IN SCHEMA public GRANT SELECT ON TABLES TO :"web";

-- The page server also deletes expired download links, in plan_links only, and the action
-- servers delete a forgotten person's conversation from events. Those tables do not exist yet
-- (their services make them at first use) and default privileges can name neither one table nor
-- one column, so an event trigger grants them when the table is made, as its maker (its owner).
SELECT format($make$
    CREATE OR REPLACE FUNCTION careercoach_grant_plan_links() RETURNS event_trigger
    LANGUAGE plpgsql SET search_path = pg_catalog AS $body$
    BEGIN
        IF EXISTS (SELECT FROM pg_event_trigger_ddl_commands()
                   WHERE object_type = 'table' AND object_identity = 'public.plan_links') THEN
            GRANT SELECT, DELETE ON public.plan_links TO %I;
        END IF;
        IF EXISTS (SELECT FROM pg_event_trigger_ddl_commands()
                   WHERE object_type = 'table' AND object_identity = 'public.events') THEN
            GRANT SELECT (sender_id), DELETE ON public.events TO %I;
        END IF;
    END
    $body$
$make$, :'web', :'actions') \gexec
DROP EVENT TRIGGER IF EXISTS careercoach_grant_plan_links;
CREATE EVENT TRIGGER careercoach_grant_plan_links ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION careercoach_grant_plan_links();

-- A database from before these users, whose tables the administrator made: each table goes to
-- the service that makes it, and gets now what it would have had made later.
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename,
              CASE WHEN tablename LIKE 'kb\_%' THEN :'kb'
                   WHEN tablename = 'events' THEN :'rasa' ELSE :'actions' END)
    FROM pg_tables WHERE schemaname = 'public'
    AND (tablename LIKE 'kb\_%' OR tablename LIKE 'plan\_%' OR tablename = 'events') \gexec
SELECT format('GRANT SELECT ON public.%I TO %I', tablename,
              CASE WHEN tablename LIKE 'kb\_%' THEN :'actions' ELSE :'web' END)
    FROM pg_tables WHERE schemaname = 'public'
    AND (tablename LIKE 'kb\_%' OR tablename LIKE 'plan\_%') \gexec
SELECT format('GRANT SELECT, DELETE ON public.plan_links TO %I', :'web')
    WHERE to_regclass('public.plan_links') IS NOT NULL \gexec
SELECT format('GRANT SELECT (sender_id), DELETE ON public.events TO %I', :'actions')
    WHERE to_regclass('public.events') IS NOT NULL \gexec

COMMIT;
SQL
