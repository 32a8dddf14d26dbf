insert into @PREFIX@items (id, name) values (70, 'seventy');
insert into @PREFIX@items (id, name) values (70, 'duplicate');
insert into @PREFIX@items (id) values (200);
select * from @PREFIX@no_such_table;
select no_such_column from @PREFIX@items;
selec 1;
select 1 / 0;
select 'abc'::integer;
select 1 as still_connected;
