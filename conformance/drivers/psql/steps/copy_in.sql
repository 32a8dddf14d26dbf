\copy @PREFIX@copy (id, label, amount) from '@WORK@/psql-copy-in.txt'
\pset null '(null)'
select id, label, amount from @PREFIX@copy order by id;
