# pgxs build of src/test/regress/regress.c (the suite's C functions), used by fetch.sh: the tree's own
# Makefile needs a configured source tree.
MODULES = regress
PG_CONFIG = pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
