\dt @PREFIX@*
\d @PREFIX@items
\di @PREFIX@*
\d @PREFIX@copy
\x on
select 1 as id, 'alpha'::text as name, 1.5::float8 as score, date '2024-01-05' as created;
\x off
