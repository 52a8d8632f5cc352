/* The program version, recorded in run.json. */
#ifndef LLEVAL_VERSION_H
#define LLEVAL_VERSION_H
#define LL_VERSION "0.1.0"
#endif
