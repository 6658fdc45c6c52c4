#!/bin/sh
# One-shot setup for docker-compose, run in the temporalio/admin-tools image after the server is up:
# creates the namespace and registers duban's custom search attributes. Safe to run again: it only
# creates what is missing. Keep the list equal to SEARCH_ATTRIBUTES in workflows/ids.ts (a unit test
# checks it).
set -eu

ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${TEMPORAL_NAMESPACE:-default}
RETENTION=${DUBAN_NAMESPACE_RETENTION:-30d}
SEARCH_ATTRIBUTES="SupervisionStatus=Keyword LeadUnit=Keyword DeadlineAt=Datetime UrgeCount=Int DeliveryFailures=Int CaseStage=Keyword CaseSubjects=KeywordList"

tries=0
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "Temporal at $ADDRESS is not healthy after $tries tries" >&2
    exit 1
  fi
  sleep 2
done
echo "Temporal at $ADDRESS is healthy"

if temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "namespace $NAMESPACE created (retention $RETENTION)"
fi

# a new namespace can take a few seconds to be visible to every service
existing=""
tries=0
until existing=$(temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" 2>/dev/null); do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then
    echo "cannot list search attributes of $NAMESPACE" >&2
    exit 1
  fi
  sleep 2
done

for pair in $SEARCH_ATTRIBUTES; do
  name=${pair%%=*}
  type=${pair#*=}
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" --name "$name" --type "$type"
    echo "search attribute $name ($type) created"
  fi
done
echo "duban setup complete"
