package dev.replicaware.spring.petclinic;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.LocalDate;

/**
 * PetClinic's owner pages, rendered as text in the controller: the lazy pets and visits load here, in the web layer,
 * outside any transaction, on the EntityManager that Open Session In View keeps open.
 */
@RestController
public class OwnerController {
    private final OwnerRepository owners;

    public OwnerController(OwnerRepository owners) {
        this.owners = owners;
    }

    /** Creates an owner with one pet and its first visit, then redirects to the owner's page, as PetClinic does. */
    @PostMapping("/owners/new")
    public ResponseEntity<Void> create(@RequestParam String firstName, @RequestParam String lastName,
                                       @RequestParam String city, @RequestParam String telephone,
                                       @RequestParam String petName) {
        Owner owner = new Owner(firstName, lastName, city, telephone);
        Pet pet = new Pet(petName, LocalDate.of(2020, 1, 1));
        pet.addVisit(new Visit(LocalDate.now(), "first visit of " + petName));
        owner.addPet(pet);
        Owner saved = owners.save(owner);
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create("/owners/" + saved.getId())).build();
    }

    @GetMapping("/owners/{id}")
    public ResponseEntity<String> show(@PathVariable int id) {
        return owners.findById(id)
                .map(o -> ResponseEntity.ok(render(o)))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).body("Owner not found with id: " + id));
    }

    /** The owner search: the declared query method, then each owner's pets, lazily. */
    @GetMapping("/owners")
    public String find(@RequestParam(defaultValue = "") String lastName, @RequestParam(defaultValue = "1") int page) {
        Page<Owner> found = owners.findByLastNameStartingWith(lastName, PageRequest.of(page - 1, 5));
        StringBuilder out = new StringBuilder("total=").append(found.getTotalElements()).append('\n');
        for (Owner o : found) {
            out.append(o.getFirstName()).append(' ').append(o.getLastName()).append(':');
            o.getPets().forEach(p -> out.append(' ').append(p.getName()));
            out.append('\n');
        }
        return out.toString();
    }

    private static String render(Owner o) {
        StringBuilder out = new StringBuilder();
        out.append(o.getFirstName()).append(' ').append(o.getLastName()).append(", ").append(o.getCity()).append('\n');
        for (Pet p : o.getPets()) {
            out.append("pet ").append(p.getName()).append('\n');
            for (Visit v : p.getVisits()) {
                out.append("  visit ").append(v.getVisitDate()).append(' ').append(v.getDescription()).append('\n');
            }
        }
        return out.toString();
    }
}
