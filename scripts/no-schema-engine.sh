#!/bin/sh
echo "Signet does not use Prisma's native schema engine. Apply migrations with 'npm run db:migrate'; produce new ones with 'npm run db:diff'." >&2
exit 1
