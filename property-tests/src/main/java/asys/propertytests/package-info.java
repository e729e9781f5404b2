/** Conformance between the runtime and the spec (issue 5): trace validation, replay, property tests. */
package asys.propertytests;
