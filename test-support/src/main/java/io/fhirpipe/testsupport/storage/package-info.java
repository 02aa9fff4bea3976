/** Azure Blob Storage stand-in: Azurite's blob service, launched from the npm package pinned in test-support. */
package io.fhirpipe.testsupport.storage;
