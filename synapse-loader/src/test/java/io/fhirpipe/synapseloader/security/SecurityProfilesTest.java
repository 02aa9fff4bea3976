package io.fhirpipe.synapseloader.security;

import io.fhirpipe.testsupport.security.AdminSecurityProfilesContract;

/** This service's properties make admin security what every admin API's is (the contract's checks). */
class SecurityProfilesTest extends AdminSecurityProfilesContract {}
