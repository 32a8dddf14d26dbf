-- psql 15 has no \bind: parameters through PREPARE / EXECUTE.
prepare insert_item(integer, text, double precision, date) as insert into @PREFIX@items (id, name, score, created) values ($1, $2, $3, $4);
execute insert_item(1, 'alpha', 1.5, '2024-01-05');
execute insert_item(2, 'beta', -2.25, '2024-02-29');
execute insert_item(3, 'gamma ''quoted''', 1e10, '1999-12-31');
deallocate insert_item;
select id, name, score, created from @PREFIX@items order by id;
