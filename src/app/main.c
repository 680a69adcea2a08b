/* adem: guided breathing and relaxation sessions. See cli.c. */
#include "app/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
