\dn public
