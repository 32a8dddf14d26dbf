set timezone = 'UTC';
insert into @PREFIX@types values (1, -32768, 2147483647, -9223372036854775808, 1.5, 3.141592653589793, 12345678.1234, true, 'héllo ''wörld'' ✓', 'abc', '\xdeadbeef00', '2024-02-29', '13:45:01.5', '2024-02-29 13:45:01.123456', '2024-02-29 13:45:01.5+00', '1 day 02:03:04', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": 1, "a": [1, 2]}', '{"b": 1, "a": [1, 2]}');
\x on
select * from @PREFIX@types where id = 1;
\x off
select c_int8 - 1 as overflow from @PREFIX@types where id = 1;
