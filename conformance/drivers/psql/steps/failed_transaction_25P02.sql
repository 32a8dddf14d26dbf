begin;
insert into @PREFIX@items (id, name) values (60, 'first');
insert into @PREFIX@items (id, name) values (60, 'duplicate');
select 1;
commit;
select count(*) from @PREFIX@items where id = 60;
