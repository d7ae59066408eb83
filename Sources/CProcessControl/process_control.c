#include "process_control.h"
#include <sys/prctl.h>

int haven_set_not_dumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

int haven_is_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }
