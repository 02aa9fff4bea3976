/**
 * Admin API and webhook security in services' tests: Entra ID with a key made for the run ({@link
 * io.fhirpipe.testsupport.security.EntraTestKey}, {@link io.fhirpipe.testsupport.security.AdminEntraId}),
 * a profile's configuration read without starting the service ({@link
 * io.fhirpipe.testsupport.security.ProfileConfig}), and the checks every admin API passes, which a
 * service's test extends ({@link io.fhirpipe.testsupport.security.AdminSecurityProfilesContract},
 * {@link io.fhirpipe.testsupport.security.LocalBindingContract}).
 */
package io.fhirpipe.testsupport.security;
