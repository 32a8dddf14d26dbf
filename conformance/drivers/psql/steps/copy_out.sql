-- The rows with plain INSERTs first, so that copy_out does not depend on copy_in.
delete from @PREFIX@copy;
insert into @PREFIX@copy (id, label, amount) values (1, 'one', 1.50), (2, E'tab\there', -2.00), (3, null, 1000.25);
\copy @PREFIX@copy to '@WORK@/psql-copy-out.txt'
\! cat '@WORK@/psql-copy-out.txt'
\copy (select id, label, amount from @PREFIX@copy order by id) to stdout
\copy (select id, label from @PREFIX@copy order by id) to stdout with (format csv, header)
