\pset null '(null)'
insert into @PREFIX@types (id) values (3);
\x on
select * from @PREFIX@types where id = 3;
\x off
select null::integer is null as is_null, null::text as text, coalesce(null, 'x') as fallback;
select count(*) from @PREFIX@types where c_int4 is null;
