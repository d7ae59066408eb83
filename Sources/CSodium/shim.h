#ifndef HAVEN_CSODIUM_SHIM_H
#define HAVEN_CSODIUM_SHIM_H
#include <sodium.h>
#endif
