module local.tazuna/gotemplate

go 1.26
