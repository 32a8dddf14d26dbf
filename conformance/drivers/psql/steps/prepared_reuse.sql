-- Past PostgreSQL's five custom plans before a generic one.
prepare item_by_id(integer) as select name, score from @PREFIX@items where id = $1;
execute item_by_id(1);
execute item_by_id(2);
execute item_by_id(3);
execute item_by_id(1);
execute item_by_id(2);
execute item_by_id(3);
execute item_by_id(1);
execute item_by_id(99);
deallocate item_by_id;
execute item_by_id(1);
