// The product app's functions (http_start, hello_orchestrator, hello) served next to the waiter, so
// one host shows both in the dashboard test.
require('../../../../app/src/functions/hello');
require('../../../../app/src/functions/hello_orchestrator');
require('../../../../app/src/functions/http_start');
