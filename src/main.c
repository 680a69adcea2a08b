/* adem: guided breathing and relaxation sessions. See cli.c. */
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
