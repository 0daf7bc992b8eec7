-- The vote store. Every stored row names the import batch it came from.

create table if not exists import_batches (
    batch_id integer primary key,
    file_name varchar not null,        -- one or more file names, joined with ", "
    sha256 varchar not null,           -- of the files' bytes, in upload order
    rows integer not null,             -- data rows read from the files
    imported_at timestamp not null,
    editor boolean not null default false,
    summary varchar                    -- what was added, as shown to the user
);

create table if not exists audit_log (
    logged_at timestamp not null,
    action varchar not null,           -- import, undo, replace, restore
    batch_id integer,
    file_name varchar,
    sha256 varchar,
    editor boolean not null default false,
    detail varchar
);

create table if not exists assemblies (
    assembly varchar primary key,
    name varchar,
    country varchar,
    seats integer,
    start_date date,
    end_date date,
    source_url varchar,
    note varchar,
    batch_id integer not null
);

create table if not exists parties (
    party varchar primary key,         -- the label as it appears in vote files
    name varchar,                      -- display name
    bloc varchar,
    colour varchar,
    seats integer,
    source_url varchar,
    note varchar,
    batch_id integer not null,
    seat_order integer                 -- left-to-right place in the chamber's seating (parties.csv); null = by bloc
);

create table if not exists votes (
    vote_id varchar primary key,
    assembly varchar,
    date date,
    title varchar,
    stage varchar,
    matter varchar,                    -- links stages of one matter (first and second discussion)
    yes integer,                       -- stated tallies; null = not reported
    no integer,
    abstain integer,
    absent integer,
    majority varchar not null default 'simple',
    seats integer,                     -- seats at the time of the vote, when it differs from the assembly's
    result varchar,                    -- official result as given
    source_url varchar,
    note varchar,
    batch_id integer not null
);

-- Party positions as stated in uploaded files: counts when reported, or only a position.
create table if not exists party_positions (
    vote_id varchar not null,
    party varchar not null,
    yes integer,
    no integer,
    abstain integer,
    absent integer,
    position varchar,                  -- yes / no / abstain / split, or null
    position_label varchar,            -- as written in the file ("voto salvado")
    source_url varchar,
    note varchar,
    batch_id integer not null,
    primary key (vote_id, party)
);

create table if not exists members (
    member_id varchar primary key,
    name varchar,
    batch_id integer not null
);

create table if not exists member_votes (
    vote_id varchar not null,
    member_id varchar not null,
    party varchar,                     -- the member's party at the time of the vote
    position varchar not null,         -- yes / no / abstain / absent / not_member
    position_label varchar,            -- as written in the file
    batch_id integer not null
);

-- Stored rows that a later import replaced (with --replace, or label-only parties whose details a parties file
-- filled in), kept with the id of the replacing batch so that undoing that batch puts them back.
create table if not exists replaced_assemblies as select *, null::integer as replaced_by from assemblies where false;
create table if not exists replaced_parties as select *, null::integer as replaced_by from parties where false;
create table if not exists replaced_votes as select *, null::integer as replaced_by from votes where false;
create table if not exists replaced_party_positions as
    select *, null::integer as replaced_by from party_positions where false;
create table if not exists replaced_member_votes as
    select *, null::integer as replaced_by from member_votes where false;

-- Per-party counts derived from member votes; rebuilt for the affected votes on every import and undo,
-- so that pages read a few hundred thousand rows instead of aggregating tens of millions.
create table if not exists party_tallies (
    vote_id varchar not null,
    party varchar not null,
    yes integer not null,
    no integer not null,
    abstain integer not null,
    absent integer not null,
    members integer not null,
    primary key (vote_id, party)
);

-- The effective per-party record of a vote: counts from member votes where they exist, else as stated.
-- Position: from counts when anyone voted, else as stated. The tie rule (most common of yes/no/abstain, a tie
-- for most is split) is tracker.model.party_position_sql's text; tests/metrics/test_tie_rule.py keeps them equal.
-- Computed here; stored in party_votes (below) for the votes each import or undo touches.
create or replace view party_votes_live as
with merged as (
    select
        coalesce(t.vote_id, p.vote_id) as vote_id,
        coalesce(t.party, p.party) as party,
        coalesce(t.yes, p.yes) as yes,
        coalesce(t.no, p.no) as no,
        coalesce(t.abstain, p.abstain) as abstain,
        coalesce(t.absent, p.absent) as absent,
        t.members as members,
        p.position as stated_position,
        p.position_label as position_label,
        case when t.vote_id is not null then 'members' when p.yes is not null or p.no is not null
             or p.abstain is not null then 'stated counts' else 'stated position' end as source
    from party_tallies t
    full outer join party_positions p on t.vote_id = p.vote_id and t.party = p.party
)
select
    *,
    case
        when coalesce(yes, 0) + coalesce(no, 0) + coalesce(abstain, 0) > 0 then
            case
                when coalesce(yes, 0) > greatest(coalesce(no, 0), coalesce(abstain, 0)) then 'yes'
                when coalesce(no, 0) > greatest(coalesce(yes, 0), coalesce(abstain, 0)) then 'no'
                when coalesce(abstain, 0) > greatest(coalesce(yes, 0), coalesce(no, 0)) then 'abstain'
                else 'split'
            end
        else stated_position
    end as position
from merged;

-- party_votes_live stored: every page reads it, and a full outer join per query costs too much at scale.
create table if not exists party_votes (
    vote_id varchar not null,
    party varchar not null,
    yes integer,
    no integer,
    abstain integer,
    absent integer,
    members integer,
    stated_position varchar,
    position_label varchar,
    source varchar,
    position varchar
);

-- The effective tallies of a vote: as stated, else summed from member votes.
create or replace view vote_tallies as
with derived as (
    select vote_id, sum(yes) as yes, sum(no) as no, sum(abstain) as abstain, sum(absent) as absent,
           sum(members) as members
    from party_tallies group by vote_id
)
select
    v.vote_id, v.assembly, v.date, v.title, v.stage, v.matter,
    coalesce(v.yes, d.yes)::integer as yes,
    coalesce(v.no, d.no)::integer as no,
    coalesce(v.abstain, d.abstain)::integer as abstain,
    coalesce(v.absent, d.absent)::integer as absent,
    d.members::integer as members_voting_record,
    v.majority,
    coalesce(v.seats, a.seats) as seats,
    v.result, v.source_url, v.note, v.batch_id,
    case when d.vote_id is not null then 'members'
         when v.yes is not null or v.no is not null or v.abstain is not null or v.absent is not null then 'stated'
         end as tally_source
from votes v
left join derived d on d.vote_id = v.vote_id
left join assemblies a on a.assembly = v.assembly;
