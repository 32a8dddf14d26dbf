-- psql conformance scenario for pgbridge.
-- Run by scripts/test.sh as: psql -X -v ON_ERROR_STOP=0 -a < scenario.sql, diffed against
-- scenario.expected, which is the output of real PostgreSQL for this file.
-- Errors print their SQLSTATE only (VERBOSITY sqlstate), so wording may differ, codes may not.
\set VERBOSITY sqlstate
\pset null '(null)'

-- DDL and DML
create table sc_items (id int primary key, name text not null, price numeric(10,2), qty int default 0, created date);
insert into sc_items values (1, 'apple', 1.20, 10, '2024-01-05'), (2, 'banana', 0.50, 20, '2024-02-10');
insert into sc_items (id, name, price) values (3, 'cherry', 7);
select * from sc_items order by id;
select name, price * qty as total from sc_items where qty > 0 order by total desc;
select count(*), sum(qty), min(created), max(name) from sc_items;
update sc_items set qty = qty + 1 where id <= 2;
delete from sc_items where id = 3;
select id, name, qty from sc_items order by id;
insert into sc_items (id, name) values (4, 'date') returning id, name, qty;

-- expressions
select 7 / 2 as int_div, 7 % 3 as modulo, 'a' || 'b' as concat, length('héllo') as len, upper('x') as up;
select true as t, false as f, null::int as n, 1.5::float8 as fl, date '2024-02-29' + 1 as next_day;
select id, case when qty > 15 then 'many' else 'few' end as amount from sc_items order by 1;
select name from sc_items where name like 'a%' or name like 'b%' order by name desc;
select coalesce(null, 'x') as c, nullif(1, 1) as n, abs(-3) as a, round(2.567, 2) as r;
select x from (values (1), (null), (3)) as v(x) order by x;
select name, qty from sc_items order by qty desc limit 2 offset 1;

-- transactions
begin;
insert into sc_items (id, name) values (10, 'tx');
select count(*) from sc_items;
rollback;
select count(*) from sc_items;
begin;
insert into sc_items (id, name) values (11, 'kept');
commit;
select id, name, qty from sc_items where id = 11;

-- errors
insert into sc_items (id, name) values (1, 'dup');
insert into sc_items (id) values (12);
select * from no_such_table;
select no_such_column from sc_items;
selec 1;
select 1 / 0;
select 'abc'::int;
select count(*) from sc_items;

-- a failed block: 25P02 until the end, and COMMIT rolls back
begin;
insert into sc_items (id, name) values (20, 'lost');
select 1 / 0;
select 1;
commit;
select count(*) from sc_items where id = 20;

-- savepoints
begin;
insert into sc_items (id, name) values (30, 'a');
savepoint s;
insert into sc_items (id, name) values (30, 'dup');
rollback to savepoint s;
insert into sc_items (id, name) values (31, 'b');
release savepoint s;
commit;
select id, name from sc_items where id >= 30 order by id;

-- settings
show standard_conforming_strings;
set application_name = 'scenario';
show application_name;
select current_setting('application_name');

drop table sc_items;
select * from sc_items;
